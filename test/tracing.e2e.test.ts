import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql, ok, registerUser } from '@centavo/testing';
import { processEnv, spawnCentavo } from './support/process.js';

// Ports of their own (14500-14505), apart from a developer's instance and the other process tests.
const ports = { GATEWAY_PORT: 14500, TRANSACTIONS_PORT: 14502 };
const gatewayUrl = `http://127.0.0.1:${ports.GATEWAY_PORT}/graphql`;

/** One span as OTLP/JSON carries it, flattened with its service. */
interface Span {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  start: bigint;
  service: string;
  attributes: Record<string, unknown>;
}
interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  boolValue?: boolean;
  doubleValue?: number;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  attributes?: { key: string; value: OtlpValue }[];
}
interface OtlpRequest {
  resourceSpans?: {
    resource?: { attributes?: { key: string; value: OtlpValue }[] };
    scopeSpans?: { spans?: OtlpSpan[] }[];
  }[];
}
const SERVER = 2;
const CONSUMER = 5;

const valueOf = (v: OtlpValue): unknown => v.stringValue ?? (v.intValue !== undefined ? Number(v.intValue) : (v.boolValue ?? v.doubleValue));
const attrs = (list: { key: string; value: OtlpValue }[] = []) => Object.fromEntries(list.map((a) => [a.key, valueOf(a.value)]));

/** A real OTLP/HTTP (JSON) peer on 127.0.0.1: what a collector would receive. */
const spans: Span[] = [];
let receiver: Server;
let child: ChildProcess | undefined;

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.url === '/v1/traces') {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpRequest;
        for (const rs of body.resourceSpans ?? []) {
          const service = String(attrs(rs.resource?.attributes)['service.name']);
          for (const ss of rs.scopeSpans ?? []) {
            for (const s of ss.spans ?? []) {
              spans.push({ traceId: s.traceId, spanId: s.spanId, parentSpanId: s.parentSpanId || undefined, name: s.name, kind: s.kind, start: BigInt(s.startTimeUnixNano), service, attributes: attrs(s.attributes) });
            }
          }
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  child?.kill('SIGKILL');
  await new Promise((resolve) => receiver.close(resolve));
});

async function waitFor(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const portOf = (s: Span): number | undefined => {
  const a = s.attributes;
  const port = a['server.port'] ?? a['net.host.port'] ?? a['url.port'];
  if (port !== undefined) return Number(port);
  const host = String(a['http.host'] ?? '');
  return host.includes(':') ? Number(host.split(':').pop()) : undefined;
};

const KINDS = ['', 'internal', 'server', 'client', 'producer', 'consumer'];

/** The trace as an indented tree (children by start time): name, kind, service, port of HTTP spans. */
function renderTree(list: Span[]): string {
  const ids = new Set(list.map((s) => s.spanId));
  const children = new Map<string | undefined, Span[]>();
  for (const s of list) {
    const parent = s.parentSpanId && ids.has(s.parentSpanId) ? s.parentSpanId : undefined;
    children.set(parent, [...(children.get(parent) ?? []), s]);
  }
  const lines: string[] = [];
  const walk = (parent: string | undefined, depth: number) => {
    for (const s of (children.get(parent) ?? []).sort((a, b) => (a.start < b.start ? -1 : 1))) {
      const port = s.kind === SERVER || s.kind === 3 ? ` :${portOf(s) ?? '?'}` : '';
      lines.push(`${'  '.repeat(depth + 1)}${s.name} (${KINDS[s.kind]}${port}) [${s.service}]`);
      walk(s.spanId, depth + 1);
    }
  };
  walk(undefined, 0);
  return lines.join('\n');
}

describe('traces (OTLP)', () => {
  it('follows createTransaction from the gateway through the transactions subgraph, Prisma and BullMQ to the budget worker', async () => {
    child = spawnCentavo(
      'all',
      processEnv(14500, {
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_BSP_SCHEDULE_DELAY: '100',
        OTEL_TRACES_CONSOLE: '',
      }),
      'inherit',
    );
    // A process start on a busy machine can take far longer than on a quiet one.
    await waitFor(`http://127.0.0.1:${ports.GATEWAY_PORT}/health`, 90_000);

    const session = await registerUser(gatewayUrl, 'tracing');
    const accountId = (
      await ok<{ createAccount: { id: string } }>(
        gatewayUrl,
        `mutation ($i: CreateAccountInput!) { createAccount(input: $i) { id } }`,
        { i: { name: 'Traced', type: 'CHECKING', currency: 'BRL', openingBalance: '0' } },
        session.accessToken,
      )
    ).createAccount.id;

    // The client starts the trace, as a traced frontend would: its id is the one to follow.
    const traceId = randomBytes(16).toString('hex');
    const created = await graphql<{ createTransaction: { id: string } }>(
      gatewayUrl,
      `mutation ($i: CreateTransactionInput!) { createTransaction(input: $i) { id } }`,
      { i: { accountId, amount: '-12.34', date: '2026-11-20', description: 'Traced coffee' } },
      session.accessToken,
      { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` },
    );
    expect(created.errors).toBeUndefined();

    const trace = () => spans.filter((s) => s.traceId === traceId);
    const budgetProcess = (s: Span) => s.kind === CONSUMER && s.name.includes('budget-events');
    // The worker's span comes once the relay and the worker have run: slow on a loaded machine.
    const deadline = Date.now() + 45_000;
    while (!trace().some(budgetProcess) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));

    const list = trace();
    const tree = `createTransaction trace ${traceId}:\n${renderTree(list)}`;
    if (process.env.PRINT_TRACE === '1') process.stdout.write(`${tree}\n`);

    const servers = list.filter((s) => s.kind === SERVER);
    expect(servers.some((s) => portOf(s) === ports.GATEWAY_PORT), `gateway HTTP server span in ${tree}`).toBe(true);
    expect(servers.some((s) => portOf(s) === ports.TRANSACTIONS_PORT), `transactions subgraph HTTP server span in ${tree}`).toBe(true);
    expect(list.some((s) => s.name.startsWith('prisma:')), `Prisma span in ${tree}`).toBe(true);
    expect(list.some(budgetProcess), `BullMQ process span of the budget worker in ${tree}`).toBe(true);
    expect(new Set(list.map((s) => s.service))).toEqual(new Set(['centavo-all']));

    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 180_000);
});
