import type { ApolloServerPlugin } from '@apollo/server';
import client from 'prom-client';

/**
 * Prometheus metrics of this process, served at /metrics by every HTTP module, in a registry of
 * their own (not prom-client's global one, which outlives a test file's modules).
 */
interface Metrics {
  registry: client.Registry;
  httpDuration: client.Histogram<'service' | 'method' | 'route' | 'status'>;
  operations: client.Histogram<'service' | 'operation' | 'type'>;
  errors: client.Counter<'service' | 'code'>;
  userRegistrations: client.Counter;
  transactionsCreated: client.Counter<'type'>;
  alertsRaised: client.Counter<'type'>;
  jobDuration: client.Histogram<'queue' | 'status'>;
  subgraphFetch: client.Histogram<'subgraph' | 'outcome'>;
  regexRulesSkipped: client.Counter<'reason'>;
}

function create(): Metrics {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    httpDuration: new client.Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP requests by service, method, route and status',
      labelNames: ['service', 'method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    operations: new client.Histogram({
      name: 'graphql_operation_duration_seconds',
      help: 'GraphQL operations by service, operation name and type',
      labelNames: ['service', 'operation', 'type'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    errors: new client.Counter({ name: 'graphql_errors_total', help: 'GraphQL errors by extensions.code', labelNames: ['service', 'code'], registers }),
    userRegistrations: new client.Counter({ name: 'user_registrations_total', help: 'Users registered', registers }),
    transactionsCreated: new client.Counter({
      name: 'transactions_created_total',
      help: 'Transactions recorded, by type (expense, income, transfer)',
      labelNames: ['type'],
      registers,
    }),
    alertsRaised: new client.Counter({ name: 'alerts_raised_total', help: 'Alerts raised, by type', labelNames: ['type'], registers }),
    jobDuration: new client.Histogram({
      name: 'job_duration_seconds',
      help: 'BullMQ jobs processed, by queue and status (completed, failed); failures are the failed count',
      labelNames: ['queue', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    subgraphFetch: new client.Histogram({
      name: 'subgraph_fetch_duration_seconds',
      help: 'Gateway calls to subgraphs, by subgraph and outcome (ok, error, unavailable)',
      labelNames: ['subgraph', 'outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    regexRulesSkipped: new client.Counter({
      name: 'ai_regex_rules_skipped_total',
      help: "Users' REGEX rules left out of a categorization: over its step or time budget, or over the program-size limit",
      labelNames: ['reason'],
      registers,
    }),
  };
}

export const metrics: Metrics = create();

/** Records every GraphQL operation's duration and every error's code. */
export function metricsPlugin<T extends object>(service: string): ApolloServerPlugin<T> {
  return {
    async requestDidStart() {
      const started = process.hrtime.bigint();
      return {
        async willSendResponse({ operationName, operation, errors }) {
          const seconds = Number(process.hrtime.bigint() - started) / 1e9;
          metrics.operations.observe({ service, operation: operationName ?? 'anonymous', type: operation?.operation ?? 'unknown' }, seconds);
          for (const error of errors ?? []) {
            metrics.errors.inc({ service, code: String(error.extensions?.code ?? 'INTERNAL_SERVER_ERROR') });
          }
        },
      };
    },
  };
}

export const metricsText = (): Promise<string> => metrics.registry.metrics();
export const metricsContentType = metrics.registry.contentType;

/** One sample of `queue_jobs`: how many jobs of a queue are in a state. */
export interface QueueJobCount {
  queue: string;
  state: string;
  count: number;
}

interface QueueGaugeHolder {
  gauge?: client.Gauge<'queue' | 'state'>;
  collectors: Set<() => Promise<QueueJobCount[]>>;
}
const queueGauge: QueueGaugeHolder = { collectors: new Set() };

/**
 * `queue_jobs{queue,state}`, read from the queues on every scrape by `collect`. A collector
 * that fails (Redis down) only leaves its samples out. Returns the function that removes it.
 */
export function registerQueueGauge(collect: () => Promise<QueueJobCount[]>): () => void {
  queueGauge.gauge ??= new client.Gauge({
    name: 'queue_jobs',
    help: 'BullMQ jobs by queue and state (waiting, active, delayed, failed), read at scrape time',
    labelNames: ['queue', 'state'],
    registers: [metrics.registry],
    async collect() {
      this.reset();
      const results = await Promise.allSettled([...queueGauge.collectors].map((c) => c()));
      for (const result of results) {
        if (result.status !== 'fulfilled') continue;
        for (const { queue, state, count } of result.value) this.set({ queue, state }, count);
      }
    },
  });
  queueGauge.collectors.add(collect);
  return () => {
    queueGauge.collectors.delete(collect);
  };
}

/**
 * A family of counters a module keeps as plain numbers (e.g. the gateway's subscription
 * counters), read at scrape time as `<name>{<label>="<key>"}`. Registered once per process.
 */
export function registerCollectedCounters(name: string, help: string, label: string, read: () => Record<string, number>): void {
  if (metrics.registry.getSingleMetric(name)) return;
  new client.Counter({
    name,
    help,
    labelNames: [label],
    registers: [metrics.registry],
    collect() {
      this.reset();
      for (const [key, value] of Object.entries(read())) this.inc({ [label]: key }, value);
    },
  });
}
