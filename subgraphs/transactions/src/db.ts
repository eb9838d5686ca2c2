import { PrismaPg } from '@centavo/db';
import { PrismaClient } from './generated/prisma/client.js';

export type TransactionsPrisma = PrismaClient;

export function createPrisma(databaseUrl: string): TransactionsPrisma {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl }) });
}
