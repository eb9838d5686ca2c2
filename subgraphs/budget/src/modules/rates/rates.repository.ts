import type { BudgetPrisma } from '../../db.js';
import { Prisma } from '../../generated/prisma/client.js';
import type { ParsedRate } from './rate-parsers.js';
import { formatRate, parseRate } from './rate-math.js';
import type { StoredRate } from './rate-table.js';

/** A stored rate as its API type shows it. */
export interface RateRecord extends StoredRate {
  userId: string;
}

interface RateRow {
  id: string;
  user_id: string;
  base: string;
  quote: string;
  day: string;
  rate: string;
}

const COLUMNS = Prisma.sql`id::text, user_id::text, base, quote, to_char(day, 'YYYY-MM-DD') AS day, rate::text AS rate`;
const toRecord = (row: RateRow): RateRecord => ({
  id: row.id,
  userId: row.user_id,
  base: row.base,
  quote: row.quote,
  day: row.day,
  units: parseRate(row.rate),
});

// One INSERT per this many rates: the ECB history (~200,000) in a few dozen statements.
const WRITE_CHUNK = 5_000;

export class RatesRepository {
  constructor(private readonly prisma: BudgetPrisma) {}

  /** Creates or replaces rates (pair and day unique per user) in one database transaction. */
  async upsert(userId: string, rates: readonly ParsedRate[]): Promise<RateRecord[]> {
    const sorted = [...rates].sort((a, b) => (`${a.base}${a.quote}${a.day}` < `${b.base}${b.quote}${b.day}` ? -1 : 1));
    return this.prisma.$transaction(async (tx) => {
      const written: RateRecord[] = [];
      for (let i = 0; i < sorted.length; i += WRITE_CHUNK) {
        const chunk = sorted.slice(i, i + WRITE_CHUNK);
        const rows = await tx.$queryRaw<RateRow[]>`
          INSERT INTO exchange_rates AS r (id, user_id, base, quote, day, rate, updated_at)
          SELECT gen_random_uuid(), ${userId}::uuid, n.base, n.quote, n.day, n.rate, now()
          FROM unnest(${chunk.map((r) => r.base)}::text[], ${chunk.map((r) => r.quote)}::text[], ${chunk.map((r) => r.day)}::date[],
            ${chunk.map((r) => formatRate(r.units))}::numeric[]) AS n(base, quote, day, rate)
          ON CONFLICT (user_id, base, quote, day) DO UPDATE SET rate = excluded.rate, updated_at = now()
          RETURNING ${COLUMNS}`;
        written.push(...rows.map(toRecord));
      }
      return written;
    }, { maxWait: 10_000, timeout: 120_000 });
  }

  async delete(userId: string, id: string): Promise<boolean> {
    const count = await this.prisma.$executeRaw`DELETE FROM exchange_rates WHERE id = ${id}::uuid AND user_id = ${userId}::uuid`;
    return count > 0;
  }

  async list(userId: string, filter: { base?: string; quote?: string; from?: string; to?: string; first: number }): Promise<RateRecord[]> {
    const rows = await this.prisma.$queryRaw<RateRow[]>`
      SELECT ${COLUMNS} FROM exchange_rates
      WHERE user_id = ${userId}::uuid
        ${filter.base ? Prisma.sql`AND base = ${filter.base}` : Prisma.empty}
        ${filter.quote ? Prisma.sql`AND quote = ${filter.quote}` : Prisma.empty}
        ${filter.from ? Prisma.sql`AND day >= ${filter.from}::date` : Prisma.empty}
        ${filter.to ? Prisma.sql`AND day <= ${filter.to}::date` : Prisma.empty}
      ORDER BY day DESC, base, quote
      LIMIT ${filter.first}`;
    return rows.map(toRecord);
  }

  /**
   * What converting into or out of `currencies` from..to can use: every rate quoted in one of them
   * dated in the range, and the latest of each pair before it (rates stay in force until the next).
   */
  async forConversion(userId: string, currencies: readonly string[], from: string, to: string): Promise<RateRecord[]> {
    const rows = await this.prisma.$queryRaw<RateRow[]>`
      SELECT ${COLUMNS} FROM exchange_rates
      WHERE user_id = ${userId}::uuid AND quote = ANY(${[...currencies]}::text[]) AND day BETWEEN ${from}::date AND ${to}::date
      UNION ALL
      (SELECT DISTINCT ON (base, quote) ${COLUMNS} FROM exchange_rates
       WHERE user_id = ${userId}::uuid AND quote = ANY(${[...currencies]}::text[]) AND day < ${from}::date
       ORDER BY base, quote, day DESC)`;
    return rows.map(toRecord);
  }
}
