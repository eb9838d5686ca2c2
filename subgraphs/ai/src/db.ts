import { PrismaPg } from '@centavo/db';
import { PrismaClient } from './generated/prisma/client.js';

export type AiPrisma = PrismaClient;

export function createPrisma(databaseUrl: string): AiPrisma {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl }) });
}
