import { PrismaPg } from '@centavo/db';
import { PrismaClient } from './generated/prisma/client.js';

export type BudgetPrisma = PrismaClient;

export function createPrisma(databaseUrl: string): BudgetPrisma {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl }) });
}
