import { afterAll, describe, expect, it } from 'vitest';
import { createPgPool, pgTransaction } from './index.js';

// Real PostgreSQL: the server's own database, a temporary table of this test's session only.
const pool = createPgPool(process.env.PG_TEST_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres', 3);
afterAll(() => pool.end());

describe('pgTransaction', () => {
  it('fails a statement that waits on a lock past lockTimeoutMs, rolls back, and leaves the pool usable', async () => {
    const table = `pg_tx_test_${process.pid}_${Date.now()}`;
    const holder = await pool.connect();
    try {
      await holder.query(`CREATE TABLE ${table} (id int PRIMARY KEY, n int)`);
      await holder.query(`INSERT INTO ${table} VALUES (1, 0)`);
      await holder.query('BEGIN');
      await holder.query(`UPDATE ${table} SET n = n + 1 WHERE id = 1`);
      const started = Date.now();
      const attempt = pgTransaction(pool, (client) => client.query(`UPDATE ${table} SET n = n + 10 WHERE id = 1`), { lockTimeoutMs: 300, statementTimeoutMs: 30_000 });
      await expect(attempt).rejects.toMatchObject({ code: '55P03' });
      expect(Date.now() - started).toBeLessThan(10_000);
      await holder.query('COMMIT');
      // Nothing of the failed transaction stayed, and the next one commits on the same pool.
      await pgTransaction(pool, (client) => client.query(`UPDATE ${table} SET n = n + 100 WHERE id = 1`));
      const { rows } = await holder.query<{ n: number }>(`SELECT n FROM ${table} WHERE id = 1`);
      expect(rows[0]!.n).toBe(101);
    } finally {
      await holder.query('ROLLBACK').catch(() => undefined);
      await holder.query(`DROP TABLE IF EXISTS ${table}`);
      holder.release();
    }
  });

  it('survives the connection dying mid-transaction (a PostgreSQL restart): the call fails, nothing is uncaught, the pool goes on', async () => {
    const killer = await pool.connect();
    try {
      const attempt = pgTransaction(pool, async (client) => {
        const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
        await killer.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
        await new Promise((r) => setTimeout(r, 200)); // the 'error' event arrives while the client is checked out
        await client.query('SELECT 1');
      });
      await expect(attempt).rejects.toThrow();
    } finally {
      killer.release();
    }
    const { rows } = await pool.query<{ one: number }>('SELECT 1 AS one');
    expect(rows[0]!.one).toBe(1);
  });

  it('fails a statement that runs past statementTimeoutMs', async () => {
    await expect(pgTransaction(pool, (client) => client.query('SELECT pg_sleep(5)'), { lockTimeoutMs: 10_000, statementTimeoutMs: 200 })).rejects.toMatchObject({ code: '57014' });
  });
});
