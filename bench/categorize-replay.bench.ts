/**
 * "Replay through the system": the held-out rows of each country go through the gateway as a
 * user would send them, one new user per country (a person's statements come from one country).
 *
 *   DB_NAME_PREFIX=centavo_replay node --import tsx bin/centavo.ts migrate
 *   DB_NAME_PREFIX=centavo_replay node --import tsx bench/categorize-replay.bench.ts [rows per country=40]
 *
 * cold: suggestCategories' first answer for each row, before anything was created.
 * with corrections: createTransaction without a category, in date order; once the ai worker has
 * decided, a row left uncategorized or categorized wrongly counts as a miss and is corrected with
 * categorizeTransaction, as the user would. Env: REPLAY_BASE_PORT (15900).
 */
import { randomUUID } from 'node:crypto';
import { ok, registerUser } from '@centavo/testing';
import { loadDataset, type LabelledRow } from '../subgraphs/ai/src/modules/categorize/dataset.js';
import { deletePrefix } from './lib/redis.js';
import { startCentavo } from './lib/system.js';

const PER_COUNTRY = Number(process.argv[2] ?? 40);
const PREFIX = process.env.DB_NAME_PREFIX ?? 'centavo_replay';
const BASE_PORT = Number(process.env.REPLAY_BASE_PORT ?? 15900);
const CURRENCY: Record<string, string> = { BR: 'BRL', ZA: 'ZAR', US: 'USD', GB: 'GBP', AU: 'AUD', IE: 'EUR', IN: 'INR' };
const DECIDED_WITHIN_MS = 15_000;
/** The first decision waits for the model, which the ai modules train at start-up. */
const FIRST_DECISION_WITHIN_MS = 300_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const amountOf = (r: LabelledRow) => (r.amountMinor / 100).toFixed(2);

interface Seen {
  category: { slug: string } | null;
  categorization: { source: string } | null;
  suggestions: { category: { slug: string } }[];
}

async function replayCountry(url: string, country: string, rows: LabelledRow[], firstWaitMs = DECIDED_WITHIN_MS): Promise<{ cold: number; corrected: number; uncategorized: number }> {
  const user = await registerUser(url, `replay-${country.toLowerCase()}`);
  const token = user.accessToken;
  const { categories } = await ok<{ categories: { id: string; slug: string }[] }>(url, '{ categories { id slug } }', {}, token);
  const idOf = new Map(categories.map((c) => [c.slug, c.id]));
  const { createAccount } = await ok<{ createAccount: { id: string } }>(
    url,
    'mutation ($i: CreateAccountInput!) { createAccount(input: $i) { id } }',
    { i: { name: `Statement ${country}`, type: 'CHECKING', currency: CURRENCY[country] ?? 'USD' } },
    token,
  );

  let cold = 0;
  for (const r of rows) {
    const { suggestCategories } = await ok<{ suggestCategories: { category: { slug: string } }[] }>(
      url,
      'query ($d: String!, $a: Decimal!) { suggestCategories(description: $d, amount: $a, limit: 1) { category { slug } } }',
      { d: r.description, a: amountOf(r) },
      token,
    );
    if (suggestCategories[0]?.category.slug === r.slug) cold++;
  }

  let corrected = 0;
  let uncategorized = 0;
  let waitMs = firstWaitMs;
  for (const r of rows) {
    const { createTransaction } = await ok<{ createTransaction: { id: string } }>(
      url,
      'mutation ($i: CreateTransactionInput!) { createTransaction(input: $i) { id } }',
      { i: { accountId: createAccount.id, amount: amountOf(r), date: r.date, description: r.description, idempotencyKey: randomUUID() } },
      token,
    );
    const id = createTransaction.id;
    // The worker decides asynchronously. An unsure decision leaves only suggestions; a sure one
    // (categorization) reaches the transaction's category through the transactions domain a moment later.
    let seen: Seen | null = null;
    for (const started = Date.now(); Date.now() - started < waitMs; await sleep(100)) {
      const { transaction } = await ok<{ transaction: Seen | null }>(
        url,
        'query ($id: ID!) { transaction(id: $id) { category { slug } categorization { source } suggestions { category { slug } } } }',
        { id },
        token,
      );
      if (transaction && (transaction.category || (transaction.suggestions.length > 0 && !transaction.categorization))) {
        seen = transaction;
        break;
      }
    }
    waitMs = DECIDED_WITHIN_MS;
    if (!seen) console.log(`  no decision within ${waitMs / 1000} s: ${r.description}`);
    const slug = seen?.category?.slug ?? null;
    if (slug === r.slug) {
      corrected++;
      continue;
    }
    if (!slug) uncategorized++;
    await ok(url, 'mutation ($id: ID!, $c: ID!) { categorizeTransaction(id: $id, categoryId: $c) { id } }', { id, c: idOf.get(r.slug) }, token);
    // Let the worker learn the correction before the next row, as a user's next statement line would.
    await sleep(300);
  }
  return { cold, corrected, uncategorized };
}

const test = loadDataset().filter((r) => r.split === 'test');
const countries = [...new Set(test.map((r) => r.country))].sort();
const runTag = Date.now().toString(36);
const system = await startCentavo({
  basePort: BASE_PORT,
  dbPrefix: PREFIX,
  redisPrefix: `centavo-replay-${runTag}:`,
  processes: ['all'],
  logDir: `/tmp/centavo-replay-${runTag}`,
});
const pct = (n: number, d: number) => `${((100 * n) / Math.max(1, d)).toFixed(1)}%`;
try {
  console.log(`replay through ${system.gatewayUrl}, ${PER_COUNTRY} held-out rows per country in date order`);
  console.log('country  rows  cold top-1  with corrections  uncategorized');
  let first = true;
  for (const country of countries) {
    const rows = test
      .filter((r) => r.country === country)
      .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0))
      .slice(0, PER_COUNTRY);
    const r = await replayCountry(system.gatewayUrl, country, rows, first ? FIRST_DECISION_WITHIN_MS : DECIDED_WITHIN_MS);
    first = false;
    console.log(`${country.padEnd(7)} ${String(rows.length).padStart(5)}  ${pct(r.cold, rows.length).padStart(10)}  ${pct(r.corrected, rows.length).padStart(16)}  ${pct(r.uncategorized, rows.length).padStart(13)}`);
  }
} finally {
  await system.stop();
  await deletePrefix(system.env.REDIS_PREFIX!);
}
