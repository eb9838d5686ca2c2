export { PrismaPg } from '@prisma/adapter-pg';

/** PostgreSQL error codes surfaced through Prisma's driver adapter. */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; meta?: { code?: string; driverAdapterError?: { cause?: { originalCode?: string } } } };
  return e?.code === 'P2002' || e?.meta?.driverAdapterError?.cause?.originalCode === '23505';
}
