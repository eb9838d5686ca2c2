import { countSqlStatement, prismaOptions, type PgPoolClient } from '@centavo/db';
import { PrismaClient, type Prisma } from './generated/prisma/client.js';

export type BudgetPrisma = PrismaClient;
/** The client inside an interactive transaction. */
export type BudgetTx = Prisma.TransactionClient;
/**
 * The plain pg client of a batch of transaction events (SpendingRepository.applyBatch): its
 * ledger, aggregates, payee payments and alerts commit in this one transaction. Plain pg: a
 * batch's 2,000-element array parameters cost about ten times the CPU through Prisma.
 */
export type BudgetBatchTx = PgPoolClient;
/** What a repository runs on: the client, or a transaction another repository opened. */
export type BudgetDb = BudgetPrisma | BudgetTx;

export function createPrisma(databaseUrl: string, countStatements = true, poolSize?: number): BudgetPrisma {
  const client = new PrismaClient(prismaOptions(databaseUrl, poolSize, countStatements));
  // Background work (relays, workers) passes false, so N+1 tests count requests only.
  if (countStatements) client.$on('query', countSqlStatement);
  return client;
}

/** Runs `work` in a new transaction, or in the caller's when `db` already is one. */
export function inTransaction<T>(db: BudgetDb, work: (tx: BudgetTx) => Promise<T>, options?: { maxWait?: number; timeout?: number }): Promise<T> {
  return '$transaction' in db ? db.$transaction(work, options) : work(db);
}

/** The root client of a repository that opens its own transaction (a quota check, a lock). */
export function rootClient(db: BudgetDb): BudgetPrisma {
  if (!('$transaction' in db)) throw new Error('this needs a transaction of its own, not the caller\'s');
  return db;
}
