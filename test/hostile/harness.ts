import { expect } from 'vitest';
import { WebSocket } from 'ws';

/**
 * The hostile-input suite's client: raw HTTP and raw WebSocket, so requests can be as malformed
 * as an attacker makes them. Every answer is checked for what must never happen (a 5xx, an
 * INTERNAL_SERVER_ERROR, an HTML page or a stack), and after each probe the gateway must answer
 * a query within a second.
 */
export interface Answer {
  status: number;
  contentType: string;
  text: string;
  json: { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: Record<string, unknown> }[] } | undefined;
  ms: number;
}

export const tally = { requests: 0, serverErrors: 0, internalErrors: 0 };

/** POSTs a body as it is (a string is sent verbatim, anything else as JSON). */
export async function send(url: string, body: unknown, headers: Record<string, string> = {}, method = 'POST'): Promise<Answer> {
  const started = performance.now();
  const res = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    ...(method === 'GET' ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  const ms = performance.now() - started;
  let json: Answer['json'];
  try {
    json = JSON.parse(text) as Answer['json'];
  } catch {
    json = undefined;
  }
  const answer = { status: res.status, contentType: res.headers.get('content-type') ?? '', text, json, ms };
  tally.requests += 1;
  if (answer.status >= 500) tally.serverErrors += 1;
  if (codesOf(answer).includes('INTERNAL_SERVER_ERROR')) tally.internalErrors += 1;
  return answer;
}

export const gql = (url: string, query: string, variables: Record<string, unknown> = {}, token?: string) =>
  send(url, { query, variables }, token ? { authorization: `Bearer ${token}` } : {});

export const codesOf = (a: Answer): unknown[] => (a.json?.errors ?? []).map((e) => e.extensions?.code);

/** What no answer to any input may be: a server error, an internal error, HTML or a stack trace. */
export function expectClean(a: Answer): void {
  expect(a.status, a.text.slice(0, 300)).toBeLessThan(500);
  expect(codesOf(a)).not.toContain('INTERNAL_SERVER_ERROR');
  expect(a.text).not.toMatch(/<html|<!DOCTYPE|\bat \S+ \(|node_modules/i);
  expect(a.json, `not JSON: ${a.text.slice(0, 200)}`).toBeDefined();
}

/** A clean refusal with this code (and, for BAD_USER_INPUT, the field it names). */
export function expectRefused(a: Answer, code: string, field?: string): void {
  expectClean(a);
  expect(codesOf(a), a.text.slice(0, 300)).toContain(code);
  if (field) expect(a.json?.errors?.find((e) => e.extensions?.code === code)?.extensions?.field).toBe(field);
}

/** The gateway still answers, within a second, after a probe. */
export async function expectAlive(gatewayUrl: string): Promise<void> {
  const a = await send(gatewayUrl, { query: '{ __typename }' });
  expect(a.status).toBe(200);
  expect(a.json?.data).toEqual({ __typename: 'Query' });
  expect(a.ms).toBeLessThan(1_000);
}

/** A raw graphql-ws socket: what the server sends, and how it closed. */
export interface RawSocket {
  messages: Record<string, unknown>[];
  closed: Promise<{ code: number; reason: string }>;
  send(message: unknown): void;
  next(type: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  close(): void;
}

export async function openSocket(gatewayUrl: string, token?: string, init = true): Promise<RawSocket> {
  const ws = new WebSocket(gatewayUrl.replace(/^http/, 'ws'), 'graphql-transport-ws');
  const messages: Record<string, unknown>[] = [];
  const waiters: (() => void)[] = [];
  ws.on('message', (data) => {
    try {
      messages.push(JSON.parse(String(data)) as Record<string, unknown>);
    } catch {
      messages.push({ type: 'unparsable' });
    }
    for (const w of waiters.splice(0)) w();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
  ws.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const socket: RawSocket = {
    messages,
    closed,
    send: (message) => ws.send(typeof message === 'string' ? message : JSON.stringify(message)),
    async next(type, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = messages.find((m) => m.type === type);
        if (found) {
          messages.splice(messages.indexOf(found), 1);
          return found;
        }
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no ${type} message within ${timeoutMs} ms (got ${JSON.stringify(messages)})`);
        await Promise.race([new Promise<void>((r) => waiters.push(r)), new Promise((r) => setTimeout(r, left)), closed]);
        if (ws.readyState === WebSocket.CLOSED && !messages.some((m) => m.type === type)) throw new Error(`socket closed before ${type}`);
      }
    },
    close: () => ws.close(),
  };
  if (init) socket.send({ type: 'connection_init', payload: token ? { authorization: `Bearer ${token}` } : {} });
  return socket;
}

/** A selection on Transaction nesting `depth` times through account.transactions and transferPeer. */
export function deepSelection(depth: number): string {
  let inner = 'id';
  for (let i = 0; i < depth; i++) inner = i % 2 === 0 ? `account { transactions(first: 1) { edges { node { ${inner} } } } }` : `transferPeer { ${inner} }`;
  return inner;
}

export const deepTransactions = (depth: number) => `{ transactions(first: 1) { edges { node { ${deepSelection(depth)} } } } }`;
