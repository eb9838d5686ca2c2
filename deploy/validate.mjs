#!/usr/bin/env node
// Structural checks of docker-compose.yml, deploy/k8s/*.yaml and observability/ without a
// Docker engine or a cluster:  node deploy/validate.mjs   (exit 1 and a list on any problem)
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// `yaml` is a dependency of the gateway package (pnpm does not hoist it to the root).
const YAML = createRequire(path.join(root, 'gateway', 'package.json'))('yaml');

const problems = [];
const fail = (where, message) => problems.push(`${where}: ${message}`);
const read = (rel) => readFileSync(path.join(root, rel), 'utf8');
const parseAll = (rel) => {
  const docs = YAML.parseAllDocuments(read(rel));
  for (const doc of docs) for (const e of doc.errors) fail(rel, `YAML: ${e.message}`);
  return docs.map((d) => d.toJS()).filter((d) => d !== null && d !== undefined);
};
const subset = (small = {}, big = {}) => Object.entries(small).every(([k, v]) => big[k] === v);

// Every module and its HTTP port (packages/config DEFAULT_PORTS; the worker's serves only health and metrics).
const PORTS = { gateway: 4000, auth: 4001, transactions: 4002, budget: 4003, ai: 4004, worker: 4005 };
const MODULES = Object.keys(PORTS);
const NAMESPACE = 'centavo';

// ---------------------------------------------------------------- Kubernetes
const k8sDir = 'deploy/k8s';
const files = readdirSync(path.join(root, k8sDir)).filter((f) => /\.ya?ml$/.test(f)).sort();
const objects = []; // { file, obj }
let kustomization;
for (const file of files) {
  const rel = `${k8sDir}/${file}`;
  const docs = parseAll(rel);
  if (docs.length === 0) fail(rel, 'no YAML document');
  for (const obj of docs) {
    if (obj.kind === 'Kustomization') {
      kustomization = { file, obj };
      continue;
    }
    const where = `${rel} ${obj.kind ?? '?'}/${obj.metadata?.name ?? '?'}`;
    if (!obj.apiVersion) fail(where, 'missing apiVersion');
    if (!obj.kind) fail(where, 'missing kind');
    if (!obj.metadata?.name) fail(where, 'missing metadata.name');
    if (obj.kind !== 'Namespace' && obj.metadata?.namespace !== NAMESPACE) fail(where, `namespace must be ${NAMESPACE}`);
    objects.push({ file, obj, where });
  }
}

// kustomization.yaml lists every manifest (templates named *.example.yaml are deliberately left out).
if (!kustomization) fail(k8sDir, 'no kustomization.yaml');
else {
  const listed = kustomization.obj.resources ?? [];
  const expected = files.filter((f) => f !== kustomization.file && !f.endsWith('.example.yaml'));
  for (const f of expected) if (!listed.includes(f)) fail(`${k8sDir}/${kustomization.file}`, `does not list ${f}`);
  for (const f of listed) if (!files.includes(f)) fail(`${k8sDir}/${kustomization.file}`, `lists missing file ${f}`);
  for (const f of listed) if (f.endsWith('.example.yaml')) fail(`${k8sDir}/${kustomization.file}`, `must not list template ${f}`);
  if (kustomization.obj.namespace !== NAMESPACE) fail(`${k8sDir}/${kustomization.file}`, `namespace must be ${NAMESPACE}`);
}

const ofKind = (kind) => objects.filter((o) => o.obj.kind === kind);
const byName = (kind, name) => ofKind(kind).find((o) => o.obj.metadata.name === name);

if (ofKind('Namespace').length !== 1 || ofKind('Namespace')[0].obj.metadata.name !== NAMESPACE) fail(k8sDir, `exactly one Namespace "${NAMESPACE}" expected`);

const configMap = byName('ConfigMap', 'centavo-config');
if (!configMap) fail(k8sDir, 'no ConfigMap centavo-config');
else {
  const data = configMap.obj.data ?? {};
  const want = { NODE_ENV: 'production', HOST: '0.0.0.0', APOLLO_TELEMETRY_DISABLED: '1' };
  for (const [k, v] of Object.entries(want)) if (data[k] !== v) fail(configMap.where, `${k} must be "${v}"`);
  if (!data.LOG_LEVEL) fail(configMap.where, 'LOG_LEVEL missing');
  for (const v of Object.values(data)) if (typeof v !== 'string') fail(configMap.where, `every value must be a string (got ${JSON.stringify(v)})`);
  // Shared by every module: a subgraph URL here would hand it to modules that must not call subgraphs.
  for (const key of Object.keys(data)) if (key.endsWith('_SUBGRAPH_URL')) fail(configMap.where, `${key} belongs in the gateway Deployment only`);
}

const secret = byName('Secret', 'centavo');
const secretKeys = new Set(Object.keys({ ...(secret?.obj.stringData ?? {}), ...(secret?.obj.data ?? {}) }));
if (!secret) fail(k8sDir, 'no Secret template "centavo"');
else for (const k of ['DATABASE_URL', 'REDIS_URL', 'JWT_PRIVATE_KEY', 'JWT_PUBLIC_KEY']) if (!secretKeys.has(k)) fail(secret.where, `missing ${k}`);

/** Checks shared by the Job's and the Deployments' pod templates; returns the env var names. */
function checkPod(where, pod) {
  const spec = pod?.spec;
  if (!spec?.containers?.length) {
    fail(where, 'no containers');
    return { envNames: new Set(), container: {} };
  }
  if (spec.securityContext?.runAsNonRoot !== true) fail(where, 'pod securityContext.runAsNonRoot must be true');
  const container = spec.containers[0];
  if (!container.image) fail(where, 'container has no image');
  for (const kind of ['requests', 'limits']) for (const r of ['cpu', 'memory']) {
    if (!container.resources?.[kind]?.[r]) fail(where, `resources.${kind}.${r} missing`);
  }
  if (container.securityContext?.allowPrivilegeEscalation !== false) fail(where, 'allowPrivilegeEscalation must be false');
  for (const ref of container.envFrom ?? []) {
    if (ref.configMapRef && !byName('ConfigMap', ref.configMapRef.name)) fail(where, `envFrom ConfigMap ${ref.configMapRef.name} does not exist`);
  }
  const envNames = new Set();
  for (const e of container.env ?? []) {
    envNames.add(e.name);
    const ref = e.valueFrom?.secretKeyRef;
    if (ref && (ref.name !== 'centavo' || !secretKeys.has(ref.key))) fail(where, `env ${e.name} refers to unknown secret key ${ref.name}/${ref.key}`);
    // Same name as the key, so a private key can never hide behind another variable's name.
    if (ref && ref.key !== e.name) fail(where, `env ${e.name} must come from secret key ${e.name}, not ${ref.key}`);
  }
  for (const m of container.volumeMounts ?? []) {
    if (!(spec.volumes ?? []).some((v) => v.name === m.name)) fail(where, `volumeMount ${m.name} has no volume`);
  }
  return { envNames, container };
}

// Scheduled jobs (backups) run the same image with the same pod rules.
for (const cron of ofKind('CronJob')) {
  checkPod(cron.where, cron.obj.spec?.jobTemplate?.spec?.template);
  if (cron.obj.spec?.concurrencyPolicy !== 'Forbid') fail(cron.where, 'concurrencyPolicy must be Forbid');
}

const job = ofKind('Job')[0];
if (!job) fail(k8sDir, 'no migration Job');
else {
  const { container } = checkPod(job.where, job.obj.spec?.template);
  if (JSON.stringify(container.args) !== '["migrate"]') fail(job.where, 'args must be ["migrate"]');
  if (!['Never', 'OnFailure'].includes(job.obj.spec?.template?.spec?.restartPolicy)) fail(job.where, 'restartPolicy must be Never or OnFailure');
}

for (const module of MODULES) {
  const dep = byName('Deployment', module);
  if (!dep) {
    fail(k8sDir, `no Deployment ${module}`);
    continue;
  }
  const { where, obj } = dep;
  const template = obj.spec?.template;
  const selector = obj.spec?.selector?.matchLabels;
  if (!selector || !Object.keys(selector).length) fail(where, 'no spec.selector.matchLabels');
  else if (!subset(selector, template?.metadata?.labels)) fail(where, 'selector does not match the pod template labels');
  const { envNames, container } = checkPod(where, template);
  if (JSON.stringify(container.args) !== JSON.stringify([`--module=${module}`])) fail(where, `args must be ["--module=${module}"]`);
  if (!envNames.has('JWT_PUBLIC_KEY')) fail(where, 'JWT_PUBLIC_KEY missing');
  if (envNames.has('JWT_PRIVATE_KEY') !== (module === 'auth')) fail(where, 'only auth may receive JWT_PRIVATE_KEY');
  const probes = ['startupProbe', 'livenessProbe', 'readinessProbe'];
  const ports = container.ports ?? [];
  if (!ports.some((p) => p.containerPort === PORTS[module])) fail(where, `containerPort ${PORTS[module]} missing`);
  const portOk = (port) => port === PORTS[module] || ports.some((p) => p.name === port);
  for (const p of probes) if (!container[p]) fail(where, `${p} missing`);
  const paths = { livenessProbe: '/live', readinessProbe: '/ready' };
  for (const [p, want] of Object.entries(paths)) {
    const http = container[p]?.httpGet;
    if (!http || http.path !== want || !portOk(http.port)) fail(where, `${p} must be httpGet ${want} on the module port`);
  }
  if (container.startupProbe && !portOk(container.startupProbe.httpGet?.port)) fail(where, 'startupProbe must be httpGet on the module port');
}

// Only the gateway calls subgraphs over HTTP; the domains exchange data as events (no HTTP between domains).
const SUBGRAPHS = ['auth', 'transactions', 'budget', 'ai'];
for (const module of MODULES) {
  const dep = byName('Deployment', module);
  const env = dep?.obj.spec?.template?.spec?.containers?.[0]?.env ?? [];
  const urls = Object.fromEntries(env.filter((e) => e.name.endsWith('_SUBGRAPH_URL')).map((e) => [e.name, e.value]));
  if (module !== 'gateway') {
    for (const key of Object.keys(urls)) fail(dep.where, `${key}: only the gateway calls subgraphs`);
    continue;
  }
  for (const name of SUBGRAPHS) {
    const key = `${name.toUpperCase()}_SUBGRAPH_URL`;
    const expected = `http://${name}.${NAMESPACE}.svc.cluster.local:${PORTS[name]}/graphql`;
    if (dep && urls[key] !== expected) fail(dep.where, `${key} must be ${expected}`);
  }
}
for (const d of ofKind('Deployment')) if (!MODULES.includes(d.obj.metadata.name)) fail(d.where, 'unknown module');

for (const { where, obj } of ofKind('Service')) {
  const selector = obj.spec?.selector;
  if (!selector || !Object.keys(selector).length) {
    fail(where, 'no selector');
    continue;
  }
  const targets = ofKind('Deployment').filter((d) => subset(selector, d.obj.spec?.template?.metadata?.labels));
  if (targets.length !== 1) fail(where, `selector must match exactly one Deployment (matches ${targets.length})`);
  if ((obj.spec.type ?? 'ClusterIP') !== 'ClusterIP') fail(where, 'type must be ClusterIP');
  const container = targets[0]?.obj.spec.template.spec.containers[0];
  for (const port of obj.spec.ports ?? []) {
    const t = port.targetPort ?? port.port;
    const ok = (container?.ports ?? []).some((p) => p.name === t || p.containerPort === t);
    if (!ok) fail(where, `targetPort ${t} is not a container port of ${targets[0]?.obj.metadata.name}`);
  }
}
for (const module of Object.keys(PORTS)) {
  const svc = byName('Service', module);
  if (!svc) fail(k8sDir, `no Service ${module}`);
  else if (!(svc.obj.spec.ports ?? []).some((p) => p.port === PORTS[module])) fail(svc.where, `port ${PORTS[module]} missing`);
}

for (const { where, obj } of ofKind('HorizontalPodAutoscaler')) {
  if (obj.apiVersion !== 'autoscaling/v2') fail(where, 'apiVersion must be autoscaling/v2');
  const ref = obj.spec?.scaleTargetRef;
  const dep = ref?.kind === 'Deployment' && byName('Deployment', ref.name);
  if (!dep) fail(where, `scaleTargetRef ${ref?.kind}/${ref?.name} does not exist`);
  else if (dep.obj.spec.replicas !== undefined) fail(dep.where, 'an HPA-managed Deployment should not set replicas');
  if (!(obj.spec?.metrics ?? []).some((m) => m.type === 'Resource' && m.resource?.name === 'cpu')) fail(where, 'no CPU metric');
  if (!(obj.spec?.minReplicas <= obj.spec?.maxReplicas)) fail(where, 'minReplicas must be <= maxReplicas');
}
for (const name of ['gateway', 'worker']) {
  if (!ofKind('HorizontalPodAutoscaler').some((h) => h.obj.spec?.scaleTargetRef?.name === name)) fail(k8sDir, `no HPA for ${name}`);
}

// NetworkPolicies: ingress is denied by default; only the gateway is open to anyone, each
// subgraph admits exactly the modules that call it, and the monitoring namespace scrapes metrics.
const ALLOWED_CALLERS = {
  gateway: ['*', 'ns:monitoring'],
  auth: ['gateway', 'ns:monitoring'],
  transactions: ['gateway', 'ns:monitoring'],
  budget: ['gateway', 'ns:monitoring'],
  ai: ['gateway', 'ns:monitoring'],
  worker: ['ns:monitoring'],
};
const policies = ofKind('NetworkPolicy');
const selects = (selector, labels) => subset(selector?.matchLabels ?? {}, labels ?? {});
if (!policies.some(({ obj }) => Object.keys(obj.spec?.podSelector ?? {}).length === 0 && (obj.spec?.policyTypes ?? []).includes('Ingress') && !(obj.spec?.ingress ?? []).length)) {
  fail(k8sDir, 'no default-deny ingress NetworkPolicy (podSelector {}, policyTypes [Ingress], no rules)');
}
for (const { where, obj } of policies) {
  if (!(obj.spec?.policyTypes ?? []).includes('Ingress')) fail(where, 'policyTypes must include Ingress');
}
for (const module of MODULES) {
  const labels = byName('Deployment', module)?.obj.spec?.template?.metadata?.labels;
  if (!labels) continue;
  const callers = new Set();
  for (const { where, obj } of policies.filter((p) => selects(p.obj.spec?.podSelector, labels))) {
    for (const rule of obj.spec?.ingress ?? []) {
      const ports = rule.ports ?? [];
      if (ports.length && !ports.some((p) => p.port === PORTS[module])) continue;
      if (!rule.from?.length) callers.add('*');
      for (const peer of rule.from ?? []) {
        if (peer.namespaceSelector) callers.add(`ns:${peer.namespaceSelector.matchLabels?.['kubernetes.io/metadata.name'] ?? '?'}`);
        else if (peer.podSelector) {
          const matched = MODULES.filter((m) => selects(peer.podSelector, byName('Deployment', m)?.obj.spec?.template?.metadata?.labels));
          if (!matched.length) fail(where, 'a podSelector matches no Deployment');
          for (const m of matched) callers.add(m);
        } else fail(where, 'ingress peers must be a podSelector or a namespaceSelector');
      }
    }
  }
  const got = [...callers].sort().join(', ');
  const want = [...ALLOWED_CALLERS[module]].sort().join(', ');
  if (got !== want) fail(k8sDir, `NetworkPolicies let ${module}:${PORTS[module]} be reached by [${got}]; expected [${want}]`);
}

// ---------------------------------------------------------------- docker-compose.yml
const compose = parseAll('docker-compose.yml')[0] ?? {};
const services = compose.services ?? {};
const OBSERVABILITY = ['jaeger', 'prometheus', 'grafana'];
for (const name of ['postgres', 'redis', 'migrate', ...MODULES]) {
  if (!services[name]) fail('docker-compose.yml', `service ${name} missing`);
  else if (services[name].profiles) fail('docker-compose.yml', `service ${name} must not have a profile`);
}
for (const name of OBSERVABILITY) {
  const s = services[name];
  if (!s) {
    fail('docker-compose.yml', `service ${name} missing`);
    continue;
  }
  if (JSON.stringify(s.profiles) !== '["observability"]') fail('docker-compose.yml', `${name}: profiles must be ["observability"]`);
  if (!s.image) fail('docker-compose.yml', `${name}: no image`);
  for (const v of s.volumes ?? []) {
    const source = String(v).split(':')[0];
    if (source.startsWith('.')) {
      if (!existsSync(path.join(root, source))) fail('docker-compose.yml', `${name}: bind source ${source} does not exist`);
    } else if (!(source in (compose.volumes ?? {}))) fail('docker-compose.yml', `${name}: volume ${source} not declared`);
  }
}
for (const [name, s] of Object.entries(services)) {
  for (const p of s.ports ?? []) {
    if (!String(p).startsWith('127.0.0.1:')) fail('docker-compose.yml', `${name}: port ${p} must bind to 127.0.0.1`);
  }
}
const published = (name, port) => (services[name]?.ports ?? []).some((p) => String(p).startsWith(`127.0.0.1:${port}:`));
if (!published('jaeger', 16686)) fail('docker-compose.yml', 'jaeger UI must be on 127.0.0.1:16686');
if (!published('grafana', 3000)) fail('docker-compose.yml', 'grafana must be on 127.0.0.1:3000');
for (const name of MODULES.filter((m) => m !== 'gateway')) {
  for (const key of Object.keys(services[name]?.environment ?? {})) {
    if (key.endsWith('_SUBGRAPH_URL')) fail('docker-compose.yml', `${name}: ${key}: only the gateway calls subgraphs`);
  }
}
if (!['true', true].includes(services.jaeger?.environment?.COLLECTOR_OTLP_ENABLED)) fail('docker-compose.yml', 'jaeger: COLLECTOR_OTLP_ENABLED must be true');

// ---------------------------------------------------------------- observability/
const prom = parseAll('observability/prometheus.yml')[0] ?? {};
const targets = new Set(
  (prom.scrape_configs ?? []).flatMap((c) => (c.static_configs ?? []).flatMap((s) => s.targets ?? [])),
);
for (const [module, port] of Object.entries(PORTS)) {
  if (!targets.has(`${module}:${port}`)) fail('observability/prometheus.yml', `does not scrape ${module}:${port}`);
}
for (const t of targets) {
  const host = t.split(':')[0];
  if (host !== 'localhost' && !services[host]) fail('observability/prometheus.yml', `target ${t} is not a compose service`);
}
const datasources = parseAll('observability/grafana/provisioning/datasources/prometheus.yml')[0]?.datasources ?? [];
const promDs = datasources.find((d) => d.type === 'prometheus');
if (!promDs || promDs.url !== 'http://prometheus:9090') fail('observability/grafana', 'no Prometheus datasource at http://prometheus:9090');
parseAll('observability/grafana/provisioning/dashboards/centavo.yml');
const dashboardDir = 'observability/grafana/dashboards';
const dashboards = readdirSync(path.join(root, dashboardDir)).filter((f) => f.endsWith('.json'));
if (dashboards.length === 0) fail(dashboardDir, 'no dashboard JSON');
for (const f of dashboards) {
  try {
    const d = JSON.parse(read(`${dashboardDir}/${f}`));
    const titles = (d.panels ?? []).map((p) => p.title.toLowerCase()).join('|');
    for (const want of ['request rate', 'p95', 'errors by code', 'queue depth']) if (!titles.includes(want)) fail(`${dashboardDir}/${f}`, `no "${want}" panel`);
    for (const p of d.panels ?? []) {
      if (p.datasource?.uid && !datasources.some((ds) => ds.uid === p.datasource.uid)) fail(`${dashboardDir}/${f}`, `panel "${p.title}": unknown datasource ${p.datasource.uid}`);
      if (!(p.targets ?? []).every((t) => t.expr)) fail(`${dashboardDir}/${f}`, `panel "${p.title}": target without expr`);
    }
  } catch (error) {
    fail(`${dashboardDir}/${f}`, `invalid JSON: ${error.message}`);
  }
}

// ----------------------------------------------------------------
if (problems.length) {
  console.error(`deploy/validate: ${problems.length} problem(s)\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
process.stdout.write(
  `deploy/validate: OK (${objects.length} Kubernetes objects in ${files.length} files, ` +
    `${Object.keys(services).length} compose services, ${targets.size} scrape targets, ${dashboards.length} dashboard(s))\n`,
);
