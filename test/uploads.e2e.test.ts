import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseUrlFor } from '@centavo/config';
import { codes, graphql, ok, registerUser, testEnv, type Session } from '@centavo/testing';
import { startSystem, type RunningSystem } from './support/system.js';
import { multipart, StatementStream, upload } from './support/uploads.js';

// Big statements through the gateway's POST /imports, streamed to the transactions subgraph's
// import_chunks. No workers: this file is about the upload (imports.int.test.ts runs stored files).
// (Processes of their own took over two minutes to start on the shared test machine: the
// system runs in this process, and its memory is this process's, the client's included.)
const MiB = 1024 * 1024;
const MAX_BYTES = 56 * MiB;
let system: RunningSystem;
let ana: Session;
let bob: Session;
let account: string;
let db: pg.Client;

const JOB = 'id status total processed imported duplicates errors { line message } detected { format encoding }';
const jobsOf = async (userId: string) =>
  (await db.query<{ id: string; chunks: string }>(`SELECT j.id, (SELECT count(*) FROM import_chunks c WHERE c.import_id = j.id) AS chunks FROM import_jobs j WHERE j.user_id = $1`, [userId])).rows;
const strayChunks = async () => Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM import_chunks c WHERE NOT EXISTS (SELECT 1 FROM import_jobs j WHERE j.id = c.import_id)`)).rows[0]?.n);

beforeAll(async () => {
  system = await startSystem({ IMPORT_MAX_BYTES: String(MAX_BYTES), MAX_ACTIVE_IMPORTS_PER_USER: '2' }, { workers: false });
  [ana, bob] = await Promise.all([registerUser(system.gatewayUrl, 'ana-upload'), registerUser(system.gatewayUrl, 'bob-upload')]);
  account = (await ok<{ createAccount: { id: string } }>(system.gatewayUrl, `mutation { createAccount(input: { name: "Upload", type: CHECKING, currency: "BRL" }) { id } }`, {}, ana.accessToken)).createAccount.id;
  db = new pg.Client({ connectionString: databaseUrlFor('transactions', testEnv()) });
  await db.connect();
}, 180_000);
afterAll(async () => {
  await db?.end();
  await system?.stop();
});

describe('POST /imports at the gateway', () => {
  it('streams a 52 MB multipart upload into 1 MiB chunks without holding it: RSS grows by less than one copy of it per role', async () => {
    const file = new StatementStream();
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    const started = performance.now();
    let answer;
    try {
      answer = await upload(system.gatewayUrl, ana.accessToken, { accountId: account, format: 'CSV' }, multipart(file.pieces({ totalBytes: 52 * MiB }), 'centavo-boundary'), { boundary: 'centavo-boundary' });
    } finally {
      clearInterval(sampler);
    }
    const seconds = (performance.now() - started) / 1000;
    const growth = (peak - before) / MiB;
    console.warn(`52 MiB upload: ${seconds.toFixed(1)} s; RSS ${(before / MiB).toFixed(0)} MiB, peak +${growth.toFixed(0)} MiB`);
    expect(answer.status).toBe(202);
    expect(answer.body).toMatchObject({ status: 'QUEUED', total: null, processed: 0, imported: 0, duplicates: 0, errors: [] });
    // The client, the gateway and the subgraph each pass the file through: one whole copy of it in
    // each (a buffered body) would be 156 MiB on top of the garbage between collections, which was
    // +86 MiB on a busy machine and +129 MiB at load average 45 (so the bound is loose).
    expect(growth).toBeLessThan(150);
    const stored = await jobsOf(ana.id);
    expect(stored).toEqual([{ id: answer.body.id, chunks: String(Math.ceil(file.bytes / MiB)) }]);
    const size = await db.query<{ bytes: string }>(`SELECT sum(length(data)) AS bytes FROM import_chunks WHERE import_id = $1`, [answer.body.id]);
    expect(Number(size.rows[0]?.bytes)).toBe(file.bytes);

    // The job is the caller's only: another user sees NOT_FOUND, as for a missing one, and cannot cancel it.
    const id = answer.body.id!;
    const mine = await ok<{ importJob: { id: string; status: string } }>(system.gatewayUrl, `query ($id: ID!) { importJob(id: $id) { ${JOB} } }`, { id }, ana.accessToken);
    expect(mine.importJob).toEqual(answer.body);
    expect(codes(await graphql(system.gatewayUrl, `query ($id: ID!) { importJob(id: $id) { id } }`, { id }, bob.accessToken))).toEqual(['NOT_FOUND']);
    expect(codes(await graphql(system.gatewayUrl, `mutation ($id: ID!) { cancelImport(id: $id) { id } }`, { id }, bob.accessToken))).toEqual(['NOT_FOUND']);
    expect(codes(await graphql(system.gatewayUrl, `query { importJob(id: "not-an-id") { id } }`, {}, ana.accessToken))).toEqual(['NOT_FOUND']);

    // Cancelled while queued: the file goes; a second cancel is refused.
    const cancelled = await ok<{ cancelImport: { status: string } }>(system.gatewayUrl, `mutation ($id: ID!) { cancelImport(id: $id) { ${JOB} } }`, { id }, ana.accessToken);
    expect(cancelled.cancelImport).toMatchObject({ id, status: 'CANCELLED', processed: 0 });
    expect(await jobsOf(ana.id)).toEqual([{ id, chunks: '0' }]);
    const again = await graphql(system.gatewayUrl, `mutation ($id: ID!) { cancelImport(id: $id) { id } }`, { id }, ana.accessToken);
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
  }, 120_000);

  it('keeps no job and no chunk of an upload the client aborts halfway', async () => {
    const controller = new AbortController();
    const file = new StatementStream(7);
    async function* halfThenAbort() {
      for await (const piece of file.pieces({ totalBytes: 20 * MiB })) {
        yield piece;
        if (file.bytes > 6 * MiB) {
          controller.abort();
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    }
    const before = (await jobsOf(bob.id)).length;
    await expect(upload(system.gatewayUrl, ana.accessToken, { accountId: account, format: 'CSV' }, halfThenAbort(), { signal: controller.signal })).rejects.toThrow();
    // The subgraph rolls the upload back once it sees the connection go.
    await new Promise((r) => setTimeout(r, 1500));
    expect((await jobsOf(ana.id)).filter((j) => j.chunks !== '0')).toEqual([]);
    expect(await strayChunks()).toBe(0);
    expect((await jobsOf(bob.id)).length).toBe(before);
  }, 60_000);

  it('refuses a file over IMPORT_MAX_BYTES with 413 LIMIT_EXCEEDED, at once when its length is declared, else when it gets there', async () => {
    const declared = await upload(system.gatewayUrl, ana.accessToken, { accountId: account, format: 'CSV' }, new Uint8Array(MAX_BYTES + 1).fill(59));
    expect(declared.status).toBe(413);
    expect(declared.body.errors?.[0]?.extensions).toMatchObject({ code: 'LIMIT_EXCEEDED', resource: 'importBytes', limit: MAX_BYTES });

    const file = new StatementStream(9);
    const streamed = await upload(system.gatewayUrl, ana.accessToken, { accountId: account, format: 'CSV' }, multipart(file.pieces({ totalBytes: MAX_BYTES + MiB }), 'b0undary'), { boundary: 'b0undary' });
    expect(streamed.status).toBe(413);
    expect(streamed.body.errors?.[0]?.extensions).toMatchObject({ code: 'LIMIT_EXCEEDED', limit: MAX_BYTES });
    await new Promise((r) => setTimeout(r, 500));
    expect((await jobsOf(ana.id)).filter((j) => j.chunks !== '0')).toEqual([]);
    expect(await strayChunks()).toBe(0);
  }, 120_000);

  it('answers JSON errors with codes: no token, another user\'s account, an unknown format, no file field', async () => {
    const csv = Buffer.from('date,description,amount\n2026-11-02,Coffee,-4.50\n');
    const cases = [
      [await upload(system.gatewayUrl, undefined, { accountId: account, format: 'CSV' }, csv), 401, 'UNAUTHENTICATED'],
      [await upload(system.gatewayUrl, 'not.a.token', { accountId: account, format: 'CSV' }, csv), 401, 'UNAUTHENTICATED'],
      [await upload(system.gatewayUrl, bob.accessToken, { accountId: account, format: 'CSV' }, csv), 404, 'NOT_FOUND'],
      [await upload(system.gatewayUrl, ana.accessToken, { accountId: 'nope', format: 'CSV' }, csv), 404, 'NOT_FOUND'],
      [await upload(system.gatewayUrl, ana.accessToken, { accountId: account, format: 'PDF' }, csv), 400, 'BAD_USER_INPUT'],
      [await upload(system.gatewayUrl, ana.accessToken, { accountId: account, format: 'CSV' }, new Uint8Array(0)), 400, 'BAD_USER_INPUT'],
      [await upload(system.gatewayUrl, ana.accessToken, { accountId: account, format: 'CSV' }, Buffer.from('--b\r\nContent-Disposition: form-data; name="other"\r\n\r\nx\r\n--b--\r\n'), { boundary: 'b' }), 400, 'BAD_USER_INPUT'],
    ] as const;
    for (const [answer, status, code] of cases) {
      expect([answer.status, answer.body.errors?.[0]?.extensions.code]).toEqual([status, code]);
    }
    // A small file as a raw body, the account and format as form fields also work.
    const raw = await upload(system.gatewayUrl, ana.accessToken, { accountId: account, format: 'CSV' }, csv);
    expect(raw).toMatchObject({ status: 202, body: { status: 'QUEUED' } });
    const form = await upload(system.gatewayUrl, ana.accessToken, {}, multipart((async function* () { yield csv; })(), 'xyz', { accountId: account, format: 'CSV' }), { boundary: 'xyz' });
    expect(form).toMatchObject({ status: 202, body: { status: 'QUEUED' } });
    // Two queued now: a third is over MAX_ACTIVE_IMPORTS_PER_USER.
    const third = await upload(system.gatewayUrl, ana.accessToken, { accountId: account, format: 'CSV' }, csv);
    expect([third.status, third.body.errors?.[0]?.extensions.code]).toEqual([429, 'LIMIT_EXCEEDED']);
  }, 60_000);
});
