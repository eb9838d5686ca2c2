import { PrismaPg } from '@centavo/db';
import { PrismaClient } from './generated/prisma/client.js';

export type AuthPrisma = PrismaClient;

export function createPrisma(databaseUrl: string): AuthPrisma {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl }) });
}
