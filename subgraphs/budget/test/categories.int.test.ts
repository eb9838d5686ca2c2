import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SubgraphServer } from '@centavo/server';
import { mintToken, ok, testEnv } from '@centavo/testing';
import { loadConfig, startBudgetSubgraph } from '../src/index.js';

let servers: SubgraphServer[];
beforeAll(async () => {
  // Two processes' worth of servers: their in-memory "seeded" caches do not help each other.
  servers = await Promise.all([0, 1].map(() => startBudgetSubgraph(loadConfig(testEnv({ BUDGET_PORT: '0' })))));
});
afterAll(() => Promise.all(servers.map((s) => s.stop())));

describe('budget subgraph against PostgreSQL', () => {
  it('seeds the defaults exactly once under concurrent first requests', async () => {
    const token = await mintToken(randomUUID());
    const lists = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        ok<{ categories: { slug: string }[] }>(servers[i % 2]!.url, `{ categories { slug } }`, {}, token),
      ),
    );
    for (const list of lists) {
      expect(list.categories).toHaveLength(29);
      expect(new Set(list.categories.map((c) => c.slug)).size).toBe(29);
    }
  });
});
