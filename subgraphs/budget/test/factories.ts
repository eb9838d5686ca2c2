import { randomUUID } from 'node:crypto';
import type { JobRun, TransactionEvent, TransactionSnapshot } from '@centavo/jobs';
import { createPgPool, type PgPool } from '@centavo/db';
import { createLogger } from '@centavo/logger';
import type { Publisher } from '@centavo/pubsub';
import { graphql, mintToken, ok, testEnv } from '@centavo/testing';
import { loadConfig } from '../src/config.js';
import type { BudgetPrisma } from '../src/db.js';
import { createBudgetDomain, type BudgetDomain } from '../src/domain.js';

/** What a processor gets from runProcessors, for tests that call it directly. */
export const testRun: JobRun = { logger: createLogger({ level: 'silent' }), job: { id: 'test', attemptsMade: 0 } };

/**
 * The budget domain over a test's own client, as the worker builds it (with `publisher`: live
 * updates). Its category relay is never started here, so the Redis settings are not used.
 */
export function testDomain(prisma: BudgetPrisma, publisher?: Pick<Publisher, 'publish'>): BudgetDomain {
  const queue = { REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', REDIS_PREFIX: 'centavo-test-unused:' };
  return createBudgetDomain({ prisma, pool: testPool(), queue, logger: testRun.logger, ...(publisher ? { publisher } : {}) });
}

let pool: PgPool | undefined;
/** The pg pool of this test process's budget database (the worker's batches run on it), made once. */
export function testPool(): PgPool {
  return (pool ??= createPgPool(loadConfig(testEnv({ BUDGET_PORT: '0' })).databaseUrl, 4));
}

/** A transaction's full state as the transactions domain publishes it. */
export function snapshot(userId: string, over: Partial<TransactionSnapshot> = {}): TransactionSnapshot {
  return {
    id: randomUUID(),
    userId,
    accountId: randomUUID(),
    version: 1,
    deleted: false,
    amountMinor: '-1000',
    currency: 'BRL',
    date: '2026-11-10',
    description: 'MERCADO',
    merchant: null,
    categoryId: null,
    categorySource: null,
    transferPeerId: null,
    ...over,
  };
}

export function event(transaction: TransactionSnapshot, type: TransactionEvent['type'] = 'transaction.updated'): TransactionEvent {
  return { eventId: randomUUID(), type, occurredAt: new Date().toISOString(), requestId: `req-${randomUUID()}`, transaction };
}

export interface TestUser {
  id: string;
  token: string;
  /** Category id by slug (the defaults, plus any created). */
  category: Record<string, string>;
  query<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Promise<T>;
  raw(query: string, variables?: Record<string, unknown>): ReturnType<typeof graphql>;
}

/** A fresh user with the default categories, talking to one budget subgraph. */
export async function newUser(url: string): Promise<TestUser> {
  const id = randomUUID();
  const token = await mintToken(id);
  const { categories } = await ok<{ categories: { id: string; slug: string }[] }>(url, `{ categories { id slug } }`, {}, token);
  return {
    id,
    token,
    category: Object.fromEntries(categories.map((c) => [c.slug, c.id])),
    query: (query, variables = {}) => ok(url, query, variables, token),
    raw: (query, variables = {}) => graphql(url, query, variables, token),
  };
}

export const BUDGET_FIELDS = `id month category { slug } limit { amount currency } spent { amount currency } remaining { amount } progress status`;

export interface BudgetView {
  id: string;
  month: string;
  category: { slug: string };
  limit: { amount: string; currency: string };
  spent: { amount: string; currency: string };
  remaining: { amount: string };
  progress: number;
  status: string;
}

export async function setBudget(user: TestUser, input: { categoryId: string; month: string; limit: string; currency?: string }): Promise<BudgetView> {
  const data = await user.query<{ setBudget: BudgetView }>(
    `mutation ($input: SetBudgetInput!) { setBudget(input: $input) { ${BUDGET_FIELDS} } }`,
    { input: { currency: 'BRL', ...input } },
  );
  return data.setBudget;
}

export async function getBudget(user: TestUser, id: string): Promise<BudgetView> {
  return (await user.query<{ budget: BudgetView }>(`query ($id: ID!) { budget(id: $id) { ${BUDGET_FIELDS} } }`, { id })).budget;
}

export interface SpendingView {
  category: { slug: string } | null;
  total: { amount: string; currency: string };
  count: number;
}

export async function spending(user: TestUser, from: string, to: string, currency = 'BRL'): Promise<SpendingView[]> {
  const data = await user.query<{ spendingByCategory: SpendingView[] }>(
    `query ($from: Date!, $to: Date!, $currency: String!) {
      spendingByCategory(from: $from, to: $to, currency: $currency) { category { slug } total { amount currency } count }
    }`,
    { from, to, currency },
  );
  return data.spendingByCategory;
}

export interface CashFlowView {
  periodStart: string;
  income: { amount: string };
  expenses: { amount: string };
  net: { amount: string };
}

export async function cashFlow(user: TestUser, from: string, to: string, interval?: string, currency = 'BRL'): Promise<CashFlowView[]> {
  const data = await user.query<{ cashFlow: CashFlowView[] }>(
    `query ($from: Date!, $to: Date!, $currency: String!, $interval: Interval) {
      cashFlow(from: $from, to: $to, currency: $currency, interval: $interval) { periodStart income { amount } expenses { amount } net { amount } }
    }`,
    { from, to, currency, ...(interval ? { interval } : {}) },
  );
  return data.cashFlow;
}
