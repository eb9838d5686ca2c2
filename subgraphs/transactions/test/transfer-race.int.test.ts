import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SubgraphServer } from '@centavo/server';
import { codes, deleteRedisKeys, graphql, mintToken, ok, testEnv } from '@centavo/testing';
import { createPrisma, type TransactionsPrisma } from '../src/db.js';
import { loadConfig, startTransactionsSubgraph } from '../src/index.js';

// Queues of its own: no other test file's worker takes these events.
const env = testEnv({ TRANSACTIONS_PORT: '0', REDIS_PREFIX: `centavo-test-transfer-${randomUUID().slice(0, 8)}:` });
const config = loadConfig(env);
let server: SubgraphServer;
let prisma: TransactionsPrisma;
beforeAll(async () => {
  server = await startTransactionsSubgraph(config);
  prisma = createPrisma(config.databaseUrl, false);
});
afterAll(async () => {
  await server?.stop();
  await prisma?.$disconnect();
  await deleteRedisKeys(config.REDIS_URL, config.REDIS_PREFIX);
});

async function newTransfer(token: string): Promise<{ out: string; into: string }> {
  const account = (name: string) =>
    ok<{ createAccount: { id: string } }>(server.url, `mutation ($n: String!) { createAccount(input: { name: $n, type: CHECKING, currency: "BRL" }) { id } }`, { n: name }, token);
  const [from, to] = await Promise.all([account('Corrente'), account('Poupança')]);
  const { createTransfer } = await ok<{ createTransfer: { id: string; transferPeer: { id: string } } }>(
    server.url,
    `mutation ($f: ID!, $t: ID!) { createTransfer(input: { fromAccountId: $f, toAccountId: $t, amount: "100.00", date: "2026-03-01" }) { id transferPeer { id } } }`,
    { f: from.createAccount.id, t: to.createAccount.id },
    token,
  );
  return { out: createTransfer.id, into: createTransfer.transferPeer.id };
}

const UPDATE = `mutation ($id: ID!, $a: Decimal!, $d: Date!) { updateTransaction(id: $id, input: { amount: $a, date: $d }) { id } }`;

describe('concurrent edits of the two legs of one transfer', () => {
  it('never deadlock into an internal error and leave both legs consistent, with every event', async () => {
    const token = await mintToken(randomUUID());
    const EDITS = 8;
    // Two rounds: one lucky interleaving must not hide a deadlock.
    for (let round = 0; round < 2; round += 1) {
      const { out, into } = await newTransfer(token);
      const results = await Promise.all(
        Array.from({ length: EDITS }, (_, i) => {
          const units = 10 + i;
          // Each edit keeps its leg's direction: money out stays negative, money in positive.
          return i % 2 === 0
            ? graphql(server.url, UPDATE, { id: out, a: `-${units}.00`, d: `2026-03-${String(2 + i).padStart(2, '0')}` }, token)
            : graphql(server.url, UPDATE, { id: into, a: `${units}.00`, d: `2026-03-${String(2 + i).padStart(2, '0')}` }, token);
        }),
      );
      expect(results.flatMap((r) => codes(r))).toEqual([]);

      const legs = await prisma.transaction.findMany({ where: { id: { in: [out, into] } } });
      const outLeg = legs.find((l) => l.id === out)!;
      const inLeg = legs.find((l) => l.id === into)!;
      expect(outLeg.amountMinor).toBe(-inLeg.amountMinor);
      expect(outLeg.amountMinor < 0n).toBe(true);
      expect(outLeg.date.getTime()).toBe(inLeg.date.getTime());
      // Every edit changed both legs once.
      expect(outLeg.version).toBe(1 + EDITS);
      expect(inLeg.version).toBe(1 + EDITS);
      for (const leg of [outLeg, inLeg]) {
        const events = await prisma.outboxEvent.findMany({ where: { aggregateId: leg.id } });
        expect(events.filter((e) => e.type === 'transaction.updated')).toHaveLength(EDITS);
        const versions = events.map((e) => (e.payload as { transaction: { version: number } }).transaction.version).sort((a, b) => a - b);
        expect(versions).toEqual(Array.from({ length: EDITS + 1 }, (_, i) => i + 1));
      }
    }
  });

  it('deletes a transfer while its other leg is being edited without an internal error', async () => {
    const token = await mintToken(randomUUID());
    const { out, into } = await newTransfer(token);
    const results = await Promise.all([
      graphql(server.url, UPDATE, { id: into, a: '55.00', d: '2026-03-09' }, token),
      graphql(server.url, `mutation ($id: ID!) { deleteTransaction(id: $id) }`, { id: out }, token),
      graphql(server.url, UPDATE, { id: out, a: '-56.00', d: '2026-03-10' }, token),
    ]);
    // Whatever ran first, the others see the transfer or see it gone: never an internal error.
    for (const code of results.flatMap((r) => codes(r))) expect(code).toBe('NOT_FOUND');
    expect(await prisma.transaction.count({ where: { id: { in: [out, into] } } })).toBe(0);
  });
});
