import { countSqlStatement, prismaOptions } from '@centavo/db';
import { PrismaClient } from './generated/prisma/client.js';

export type AiPrisma = PrismaClient;

export function createPrisma(databaseUrl: string, countStatements = true): AiPrisma {
  const client = new PrismaClient(prismaOptions(databaseUrl, undefined, countStatements));
  // Background work (relays, workers) passes false, so N+1 tests count requests only.
  if (countStatements) client.$on('query', countSqlStatement);
  return client;
}
