import { randomUUID } from 'node:crypto';
import type { TransactionEvent, TransactionSnapshot } from '@centavo/jobs';
import { createPublisher, createSubscriber, type Publisher, type UserEvent } from '@centavo/pubsub';
import type { SubgraphServer } from '@centavo/server';
import { testEnv } from '@centavo/testing';
import { createPrisma, type BudgetPrisma } from '../src/db.js';
import type { BudgetDomain } from '../src/domain.js';
import { loadConfig, startBudgetSubgraph } from '../src/index.js';
import type { ApplyResult } from '../src/modules/spending/spending.service.js';
import { event, testDomain, testRun, type TestUser } from './factories.js';

/** What one user's channel carried. */
export interface Heard {
  events: UserEvent[];
  ids(field: UserEvent['field']): string[];
  /** Waits until `check` holds for the events heard so far. */
  until(check: (events: UserEvent[]) => boolean, what: string): Promise<void>;
}

/**
 * A budget subgraph plus the worker's processor with live updates, called directly so tests
 * control replays and races; its own Redis prefix keeps its channels apart from other files.
 */
export interface LiveHarness {
  server: SubgraphServer;
  prisma: BudgetPrisma;
  /** Publishes on the harness's channels (what listen() hears). */
  publisher: Publisher;
  domain: BudgetDomain;
  process(event: TransactionEvent, publisher?: Pick<Publisher, 'publish'>): Promise<ApplyResult>;
  apply(tx: TransactionSnapshot): Promise<ApplyResult>;
  listen(userId: string): Promise<Heard>;
  stop(): Promise<void>;
}

export async function startLive(): Promise<LiveHarness> {
  const config = loadConfig(testEnv({ BUDGET_PORT: '0', REDIS_PREFIX: `centavo-test-${randomUUID()}:` }));
  const server = await startBudgetSubgraph(config);
  const prisma = createPrisma(config.databaseUrl, false);
  const publisher = createPublisher(config);
  const subscriber = createSubscriber(config);
  const domain = testDomain(prisma, publisher);
  const process = (e: TransactionEvent, other?: Pick<Publisher, 'publish'>) =>
    (other ? testDomain(prisma, other) : domain).processors[0].handleEvent(e, testRun);
  return {
    server,
    prisma,
    publisher,
    domain,
    process,
    apply: (tx) => process(event(tx)),
    async listen(userId) {
      const events: UserEvent[] = [];
      await subscriber.subscribe(userId, (e) => events.push(e));
      return {
        events,
        ids: (field) => events.filter((e) => e.field === field).map((e) => e.id),
        async until(check, what) {
          const deadline = Date.now() + 5_000;
          while (!check(events)) {
            if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(events)}`);
            await new Promise((r) => setTimeout(r, 20));
          }
        },
      };
    },
    async stop() {
      await Promise.all([publisher.close(), subscriber.close()]);
      await server.stop();
      await prisma.$disconnect();
    },
  };
}

export const ALERT_FIELDS = `id type severity message transaction { id } budget { id month category { slug } } createdAt readAt`;

export interface AlertView {
  id: string;
  type: string;
  severity: string;
  message: string;
  transaction: { id: string } | null;
  budget: { id: string; month: string; category: { slug: string } } | null;
  createdAt: string;
  readAt: string | null;
}

export async function alertsOf(user: TestUser, args: { unreadOnly?: boolean; first?: number } = {}): Promise<AlertView[]> {
  const data = await user.query<{ alerts: AlertView[] }>(
    `query ($u: Boolean, $f: Int) { alerts(unreadOnly: $u, first: $f) { ${ALERT_FIELDS} } }`,
    { u: args.unreadOnly ?? false, f: args.first ?? 50 },
  );
  return data.alerts;
}

/** type → transaction id, for asserting who raised what. */
export const raisedBy = (alerts: AlertView[]) => Object.fromEntries(alerts.map((a) => [a.type, a.transaction?.id]));
