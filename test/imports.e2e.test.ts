import { readFileSync } from 'node:fs';
import { createClient, type Client } from 'graphql-ws';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subscriptionMetrics } from '@centavo/gateway';
import { startAiWorker, loadConfig as aiConfig } from '@centavo/subgraph-ai';
import { startBudgetWorker, loadConfig as budgetConfig } from '@centavo/subgraph-budget';
import { startTransactionsWorker, loadConfig as transactionsConfig } from '@centavo/subgraph-transactions';
import { codes, graphql, ok, registerUser, type Session } from '@centavo/testing';
import { startSystem, type RunningSystem } from './support/system.js';
import { eventually } from './support/wait.js';

interface Job {
  id: string;
  status: string;
  total: number | null;
  processed: number;
  imported: number;
  duplicates: number;
  errors: { line: number; message: string }[];
}

const JOB = `id status total processed imported duplicates errors { line message }`;
const IMPORT = `mutation ($i: ImportTransactionsInput!) { importTransactions(input: $i) { ${JOB} } }`;
const fixture = (name: string) => readFileSync(new URL(`./fixtures/imports/${name}`, import.meta.url), 'utf8');

let system: RunningSystem;
let url: string;
let ana: Session;
let bob: Session;
let anaAccount: string;
let bobAccount: string;
const workers: { stop(): Promise<void> }[] = [];
const clients: Client[] = [];

const account = async (s: Session, name: string) =>
  (await ok<{ createAccount: { id: string } }>(url, `mutation ($n: String!) { createAccount(input: { name: $n, type: CHECKING, currency: "BRL" }) { id } }`, { n: name }, s.accessToken))
    .createAccount.id;
const startImport = (s: Session, accountId: string, content: string, format = 'CSV', mapping?: Record<string, unknown>) =>
  graphql<{ importTransactions: Job }>(url, IMPORT, { i: { accountId, format, content, ...(mapping ? { mapping } : {}) } }, s.accessToken);
const job = async (s: Session, id: string) =>
  (await ok<{ importJob: Job | null }>(url, `query ($id: ID!) { importJob(id: $id) { ${JOB} } }`, { id }, s.accessToken)).importJob;
const ended = (s: Session, id: string) =>
  eventually(async () => {
    const j = await job(s, id);
    return j && (j.status === 'COMPLETED' || j.status === 'FAILED') ? j : undefined;
  }, 30_000, `import ${id} to end`);

/** The caller's importProgress events for one job, over graphql-ws. */
function progress(s: Session, id: string): { received: { data?: { importProgress: Job } | null; errors?: unknown[] }[] } {
  const client = createClient({ url: url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${s.accessToken}` }, retryAttempts: 0 });
  clients.push(client);
  const received: { data?: { importProgress: Job } | null; errors?: unknown[] }[] = [];
  client.subscribe(
    { query: `subscription ($id: ID!) { importProgress(id: $id) { ${JOB} } }`, variables: { id } },
    { next: (m) => void received.push(m as (typeof received)[number]), error: () => undefined, complete: () => undefined },
  );
  return { received };
}

beforeAll(async () => {
  // Workers start inside the first test, once its subscriptions listen: no event can come too early.
  system = await startSystem({ MAX_ACTIVE_IMPORTS_PER_USER: '2', IMPORT_MAX_BYTES: '20000', IMPORT_BATCH_SIZE: '3' }, { workers: false });
  url = system.gatewayUrl;
  [ana, bob] = await Promise.all([registerUser(url, 'ana'), registerUser(url, 'bob')]);
  [anaAccount, bobAccount] = await Promise.all([account(ana, 'Ana checking'), account(bob, 'Bob checking')]);
}, 60_000);
afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  await Promise.all(workers.map((w) => w.stop()));
  await system?.stop();
});

describe('statement imports through the gateway', () => {
  it('queues imports at once, refuses what is not the caller\'s or over the limits, and runs them when a worker starts, live', async () => {
    const csv = fixture('pt.csv');
    const first = await startImport(ana, anaAccount, csv);
    expect(first.errors).toBeUndefined();
    expect(first.data?.importTransactions).toMatchObject({ status: 'QUEUED', total: null, processed: 0, imported: 0, duplicates: 0, errors: [] });
    // The same file twice at once: the two runs must not both insert it.
    const second = await startImport(ana, anaAccount, csv);
    const [firstId, secondId] = [first.data!.importTransactions.id, second.data!.importTransactions.id];

    const third = await startImport(ana, anaAccount, csv);
    expect(third.errors?.[0]?.extensions).toMatchObject({ code: 'LIMIT_EXCEEDED', resource: 'activeImports', limit: 2 });
    expect(codes(await startImport(bob, anaAccount, csv))).toEqual(['NOT_FOUND']);
    expect(codes(await startImport(ana, bobAccount, csv))).toEqual(['NOT_FOUND']);
    expect((await startImport(bob, bobAccount, 'x'.repeat(20_001))).errors?.[0]?.extensions).toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 20000 });
    expect(codes(await startImport(bob, bobAccount, 'date,description,amount\n2026-11-02,A\u0000,1'))).toEqual(['BAD_USER_INPUT']);
    // Another user's job is NOT_FOUND, as a missing one (as transaction(id) is).
    expect(codes(await graphql(url, `query ($id: ID!) { importJob(id: $id) { id } }`, { id: firstId }, bob.accessToken))).toEqual(['NOT_FOUND']);
    expect(codes(await graphql(url, `query ($id: ID!) { importJob(id: $id) { id } }`, { id: 'not-an-id' }, ana.accessToken))).toEqual(['NOT_FOUND']);

    const anaLive = progress(ana, firstId);
    const bobLive = progress(bob, firstId);
    await eventually(async () => (subscriptionMetrics.activeSubscriptions === 2 ? true : undefined), 5_000, 'two live subscriptions');
    const env = system.env;
    workers.push(...(await Promise.all([startTransactionsWorker(transactionsConfig(env)), startBudgetWorker(budgetConfig(env)), startAiWorker(aiConfig(env))])));

    const last = await eventually(async () => {
      const done = anaLive.received.map((m) => m.data?.importProgress).find((j) => j?.status === 'COMPLETED');
      return done ?? undefined;
    }, 30_000, 'COMPLETED over importProgress');
    const [a, b] = [await ended(ana, firstId), await ended(ana, secondId)];
    expect(last).toEqual(a);
    // Five good rows in the file: one run imported them, the other found them all present.
    expect([a.imported + b.imported, a.duplicates + b.duplicates]).toEqual([5, 5]);
    for (const j of [a, b]) {
      expect(j).toMatchObject({ status: 'COMPLETED', total: 7, processed: 7 });
      expect(j.errors).toEqual([
        { line: 7, message: expect.stringMatching(/not a date/) },
        { line: 8, message: expect.stringMatching(/not a number/) },
      ]);
    }
    // Batches of 3: progress came in steps before the end.
    expect(anaLive.received.length).toBeGreaterThan(1);
    await new Promise((r) => setTimeout(r, 300));
    expect(bobLive.received).toEqual([]);
  }, 60_000);

  it('stores the rows with exact amounts; they get categorized and counted in the cash flow', async () => {
    const { transactions } = await ok<{ transactions: { edges: { node: { description: string; date: string; amount: { amount: string } } }[] } }>(
      url,
      `query ($a: ID!) { transactions(filter: { accountId: $a }, first: 50) { edges { node { description date amount { amount } } } } }`,
      { a: anaAccount },
      ana.accessToken,
    );
    expect(transactions.edges.map((e) => [e.node.date, e.node.amount.amount, e.node.description]).sort()).toEqual([
      ['2026-11-02', '-12.50', 'Padaria Pão Quente'],
      ['2026-11-02', '-12.50', 'Padaria Pão Quente'],
      ['2026-11-02', '-55.90', 'NETFLIX.COM'],
      ['2026-11-05', '-23.40', 'UBER *TRIP HELP.UBER.COM'],
      ['2026-11-10', '5000.00', 'Salário ACME LTDA'],
    ]);
    const netflix = await eventually(async () => {
      const { transactions: found } = await ok<{ transactions: { edges: { node: { category: { slug: string } | null; categorySource: string | null } }[] } }>(
        url,
        `{ transactions(filter: { search: "NETFLIX" }) { edges { node { category { slug } categorySource } } } }`,
        {},
        ana.accessToken,
      );
      return found.edges[0]?.node.category ? found.edges[0].node : undefined;
    }, 20_000, 'the imported NETFLIX row categorized');
    expect(netflix).toEqual({ category: { slug: 'subscriptions' }, categorySource: 'AI' });
    const flow = await eventually(async () => {
      const { cashFlow } = await ok<{ cashFlow: { income: { amount: string }; expenses: { amount: string } }[] }>(
        url,
        `{ cashFlow(from: "2026-11-01", to: "2026-11-30", currency: "BRL", interval: MONTH) { income { amount } expenses { amount } } }`,
        {},
        ana.accessToken,
      );
      return cashFlow[0]?.expenses.amount === '104.30' ? cashFlow[0] : undefined;
    }, 20_000, 'the cash flow to count the imported rows');
    expect(flow).toEqual({ income: { amount: '5000.00' }, expenses: { amount: '104.30' } });
  }, 60_000);

  it('adds nothing when the same file comes again, and only the new rows of an overlapping one (also against rows entered by hand)', async () => {
    const again = await ended(ana, (await startImport(ana, anaAccount, fixture('pt.csv'))).data!.importTransactions.id);
    expect(again).toMatchObject({ status: 'COMPLETED', imported: 0, duplicates: 5 });
    await ok(
      url,
      `mutation ($i: CreateTransactionInput!) { createTransaction(input: $i) { id } }`,
      { i: { accountId: anaAccount, amount: '-80.00', date: '2026-11-15', description: 'Mercado Central' } },
      ana.accessToken,
    );
    const overlap = await ended(ana, (await startImport(ana, anaAccount, fixture('pt-overlap.csv'))).data!.importTransactions.id);
    // Present: the two bakery rows of the first file and the row entered by hand; new: a third bakery row and the pharmacy.
    expect(overlap).toMatchObject({ status: 'COMPLETED', total: 5, imported: 2, duplicates: 3, errors: [] });
  }, 60_000);

  it('imports OFX by FITID once, and fails a file it cannot read with the reason', async () => {
    const ofx = fixture('statement.ofx');
    const first = await ended(ana, (await startImport(ana, anaAccount, ofx, 'OFX')).data!.importTransactions.id);
    expect(first).toMatchObject({ status: 'COMPLETED', total: 2, imported: 2, duplicates: 0 });
    const second = await ended(ana, (await startImport(ana, anaAccount, ofx, 'OFX')).data!.importTransactions.id);
    expect(second).toMatchObject({ status: 'COMPLETED', imported: 0, duplicates: 2 });
    const garbage = await ended(ana, (await startImport(ana, anaAccount, 'this is not a statement at all', 'OFX')).data!.importTransactions.id);
    expect(garbage).toMatchObject({ status: 'FAILED', imported: 0, errors: [{ line: 0, message: expect.stringMatching(/no <OFX>/) }] });
    const csv = await ended(ana, (await startImport(ana, anaAccount, 'hello\nworld\n')).data!.importTransactions.id);
    expect(csv).toMatchObject({ status: 'FAILED', errors: [{ line: 0, message: expect.stringMatching(/no header row/) }] });
  }, 60_000);

  it('imports QIF and camt.053 (a batch booking as its rows), reports what it used to read each file, and takes a column mapping', async () => {
    const DETECTED = `query ($id: ID!) { importJob(id: $id) { status imported detected { format encoding delimiter decimalSeparator dateFormat hasHeader columns { date { index name } description { index name } amount { index name } debit { index name } credit { index name } } } } }`;
    const detected = async (id: string) => (await ok<{ importJob: { detected: unknown } }>(url, DETECTED, { id }, ana.accessToken)).importJob.detected;
    const none = { delimiter: null, decimalSeparator: null, dateFormat: null, hasHeader: null, columns: null };

    const qif = await ended(ana, (await startImport(ana, anaAccount, fixture('statement.qif'), 'QIF')).data!.importTransactions.id);
    expect(qif).toMatchObject({ status: 'COMPLETED', total: 3, imported: 2, duplicates: 0, errors: [{ line: 11, message: expect.stringMatching(/^T: amount "XX"/) }] });
    expect(await detected(qif.id)).toEqual({ ...none, format: 'QIF', encoding: 'UTF8', decimalSeparator: ',', dateFormat: 'DMY' });

    const camt = await ended(ana, (await startImport(ana, anaAccount, fixture('statement.camt053.xml'), 'CAMT053')).data!.importTransactions.id);
    expect(camt).toMatchObject({ status: 'COMPLETED', total: 4, imported: 3, errors: [{ line: 27, message: 'the amount is in "EUR", the account in BRL' }] });
    expect(await detected(camt.id)).toEqual({ ...none, format: 'CAMT053', encoding: 'UTF8' });
    const again = await ended(ana, (await startImport(ana, anaAccount, fixture('statement.camt053.xml'), 'CAMT053')).data!.importTransactions.id);
    expect(again).toMatchObject({ status: 'COMPLETED', imported: 0, duplicates: 3 });

    const { transactions } = await ok<{ transactions: { edges: { node: { description: string; date: string; amount: { amount: string } } }[] } }>(
      url,
      `query ($a: ID!) { transactions(filter: { accountId: $a, from: "2026-12-01" }, first: 50) { edges { node { description date amount { amount } } } } }`,
      { a: anaAccount },
      ana.accessToken,
    );
    expect(transactions.edges.map((e) => [e.node.date, e.node.amount.amount, e.node.description]).sort()).toEqual([
      ['2026-12-03', '-1234.56', 'Aluguel Dezembro'],
      ['2026-12-05', '-45.90', 'Farmácia Popular - Remédios'],
      ['2026-12-08', '3200.00', 'Cliente Ltda - Projeto 42'],
      ['2026-12-09', '-30.00', 'Companhia de Gás'],
      ['2026-12-09', '-60.00', 'Companhia de Luz'],
    ]);

    // Columns by name and by index, the date order given: 04/12 is April 12th here.
    const csv = 'Quando|Valor|O que\n04/12/2026|-7,50|Sorvete\n'.replace(/\|/g, ';');
    const mapped = await ended(ana, (await startImport(ana, anaAccount, csv, 'CSV', { date: 'quando', description: '2', amount: 'Valor', dateFormat: 'MDY' })).data!.importTransactions.id);
    expect(mapped).toMatchObject({ status: 'COMPLETED', imported: 1 });
    expect(await detected(mapped.id)).toEqual({
      format: 'CSV',
      encoding: 'UTF8',
      delimiter: ';',
      decimalSeparator: ',',
      dateFormat: 'MDY',
      hasHeader: true,
      columns: { date: { index: 0, name: 'Quando' }, description: { index: 2, name: 'O que' }, amount: { index: 1, name: 'Valor' }, debit: null, credit: null },
    });
    const bad = await startImport(ana, anaAccount, csv, 'CSV', { date: '0', description: '2' });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'mapping.amount' });
    const wrong = await startImport(ana, anaAccount, fixture('statement.qif'), 'QIF', { delimiter: ';' });
    expect(wrong.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'mapping.delimiter' });
  }, 60_000);

  it('reads banks of other languages without a mapping (direction, fee and balance columns), and turns signs when asked', async () => {
    const euros = (await ok<{ createAccount: { id: string } }>(url, `mutation { createAccount(input: { name: "Euro", type: CHECKING, currency: "EUR" }) { id } }`, {}, bob.accessToken)).createAccount.id;
    // A Dutch export: unsigned amounts with an "Af Bij" column, compact dates, a decimal comma.
    const ing = [
      '"Datum";"Naam / Omschrijving";"Rekening";"Tegenrekening";"Code";"Af Bij";"Bedrag (EUR)";"Mutatiesoort";"Mededelingen"',
      '"20261101";"Albert Heijn 1234";"NL00INGB0001234567";"";"BA";"Af";"23,45";"Betaalautomaat";""',
      '"20261102";"ACME BV";"NL00INGB0001234567";"NL01";"OV";"Bij";"2500,00";"Overschrijving";"Salaris"',
    ].join('\n');
    const dutch = await ended(bob, (await startImport(bob, euros, ing)).data!.importTransactions.id);
    expect(dutch).toMatchObject({ status: 'COMPLETED', imported: 2, errors: [] });
    const columns = await ok<{ importJob: { detected: { columns: unknown } } }>(
      url,
      `query ($id: ID!) { importJob(id: $id) { detected { columns { amount { name } direction { index name } fee { name } payee { name } } } } }`,
      { id: dutch.id },
      bob.accessToken,
    );
    expect(columns.importJob.detected.columns).toEqual({ amount: { name: 'Bedrag (EUR)' }, direction: { index: 5, name: 'Af Bij' }, fee: null, payee: null });
    // A German export: "Soll"/"Haben" would be columns; here a signed Betrag, a balance-only row, named months.
    const german = 'Buchungstag;Verwendungszweck;Betrag\n1. Nov. 2026;REWE SAGT DANKE;-12,30\n2. Nov. 2026;Kontostand;\n';
    expect(await ended(bob, (await startImport(bob, euros, german)).data!.importTransactions.id)).toMatchObject({ status: 'COMPLETED', imported: 1, errors: [] });
    // A card export that writes charges as positive numbers, read with invertSign.
    const card = 'date,title,amount\n2026-11-03,Ifood *Ifood,45.90\n2026-11-04,Pagamento recebido,-100.00\n';
    const inverted = await ended(bob, (await startImport(bob, euros, card, 'CSV', { invertSign: true })).data!.importTransactions.id);
    expect(inverted).toMatchObject({ status: 'COMPLETED', imported: 2 });

    const { transactions } = await ok<{ transactions: { edges: { node: { description: string; date: string; amount: { amount: string } } }[] } }>(
      url,
      `query ($a: ID!) { transactions(filter: { accountId: $a }, first: 50) { edges { node { description date amount { amount } } } } }`,
      { a: euros },
      bob.accessToken,
    );
    expect(transactions.edges.map((e) => [e.node.date, e.node.amount.amount, e.node.description]).sort()).toEqual([
      ['2026-11-01', '-12.30', 'REWE SAGT DANKE'],
      ['2026-11-01', '-23.45', 'Albert Heijn 1234'],
      ['2026-11-02', '2500.00', 'ACME BV'],
      ['2026-11-03', '-45.90', 'Ifood *Ifood'],
      ['2026-11-04', '100.00', 'Pagamento recebido'],
    ]);
  }, 60_000);
});
