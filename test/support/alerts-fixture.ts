import { createClient, type Client } from 'graphql-ws';
import { WebSocket } from 'ws';
import { createPublisher, type Publisher } from '@centavo/pubsub';
import { ok, registerUser, type Session } from '@centavo/testing';
import { startSystem, type RunningSystem } from './system.js';

/**
 * What the alert suites start with: a system, two users (ana, bob), a credit card account of
 * ana's, her default categories by slug, a publisher on the system's Redis, and graphql-ws
 * subscriptions as ana's first subscriber sees them.
 */
export interface AlertsFixture {
  system: RunningSystem;
  url: string;
  publisher: Publisher;
  ana: Session;
  bob: Session;
  account: string;
  cat: Map<string, string>;
  /** Collects what a graphql-ws subscription delivers to `s` (one socket, opened for the first caller). */
  subscribe(s: Session, query: string): Record<string, unknown>[];
  close(): Promise<void>;
}

export async function startAlertsFixture(env: Record<string, string> = {}): Promise<AlertsFixture> {
  const system = await startSystem(env);
  const url = system.gatewayUrl;
  const publisher = createPublisher({ REDIS_URL: system.env.REDIS_URL ?? 'redis://127.0.0.1:6379', REDIS_PREFIX: system.env.REDIS_PREFIX! });
  const [ana, bob] = await Promise.all([registerUser(url, 'ana'), registerUser(url, 'bob')]);
  const account = (
    await ok<{ createAccount: { id: string } }>(url, `mutation { createAccount(input: { name: "Card", type: CREDIT_CARD, currency: "BRL" }) { id } }`, {}, ana.accessToken)
  ).createAccount.id;
  const { categories } = await ok<{ categories: { id: string; slug: string }[] }>(url, `{ categories { id slug } }`, {}, ana.accessToken);
  let client: Client | undefined;
  return {
    system,
    url,
    publisher,
    ana,
    bob,
    account,
    cat: new Map(categories.map((c) => [c.slug, c.id])),
    subscribe(s, query) {
      client ??= createClient({
        url: url.replace(/^http/, 'ws'),
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${s.accessToken}` },
        retryAttempts: 0,
      });
      const received: Record<string, unknown>[] = [];
      client.subscribe(
        { query, variables: {} },
        { next: (v) => void received.push(v as Record<string, unknown>), error: (e) => void received.push({ error: e }), complete: () => undefined },
      );
      return received;
    },
    async close() {
      await client?.dispose();
      await publisher.close();
      await system.stop();
    },
  };
}
