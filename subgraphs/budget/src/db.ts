import { countSqlStatement, prismaOptions } from '@centavo/db';
import { PrismaClient } from './generated/prisma/client.js';

export type BudgetPrisma = PrismaClient;

export function createPrisma(databaseUrl: string, countStatements = true): BudgetPrisma {
  const client = new PrismaClient(prismaOptions(databaseUrl));
  // Background work (relays, workers) passes false, so N+1 tests count requests only.
  if (countStatements) client.$on('query', countSqlStatement);
  return client;
}
