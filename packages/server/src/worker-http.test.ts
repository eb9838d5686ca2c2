import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_QUEUES, createQueue } from '@centavo/jobs';
import { startWorkerHttp, type RunningWorkerHttp } from './worker-http.js';

const config = { REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', REDIS_PREFIX: `centavo-test-worker-http-${randomUUID().slice(0, 8)}:` };
let worker: RunningWorkerHttp;

beforeAll(async () => {
  // Redis is checked by the worker HTTP itself; the caller adds its own checks (PostgreSQL in bin/).
  worker = await startWorkerHttp({ host: '127.0.0.1', port: 0, checks: [{ name: 'extra', check: async () => undefined }], queues: { config } });
});
afterAll(async () => {
  await worker?.close();
  for (const name of ALL_QUEUES) {
    const queue = createQueue(config, name);
    await queue.obliterate({ force: true });
    await queue.close();
  }
});

describe('worker HTTP', () => {
  it('answers /live and /ready with its checks', async () => {
    expect((await fetch(`${worker.url}/live`)).status).toBe(200);
    const ready = await fetch(`${worker.url}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: [{ name: 'redis', ok: true }, { name: 'extra', ok: true }] });
  });

  it('answers anything else in JSON, never an HTML page', async () => {
    const res = await fetch(`${worker.url}/live`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"broken' });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ errors: [{ message: 'Not found', extensions: { code: 'NOT_FOUND' } }] });
  });

  it('reports queue_jobs{queue,state} of every queue on /metrics, counted at scrape time', async () => {
    const queue = createQueue(config, 'budget-events');
    try {
      await queue.add('transaction-changed', { any: 'payload' }, { jobId: 'w-1' });
      await queue.add('transaction-changed', { any: 'payload' }, { jobId: 'w-2', delay: 60_000 });
    } finally {
      await queue.close();
    }
    const res = await fetch(`${worker.url}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain('# TYPE queue_jobs gauge');
    expect(text).toContain('queue_jobs{queue="budget-events",state="waiting"} 1');
    expect(text).toContain('queue_jobs{queue="budget-events",state="delayed"} 1');
    for (const name of ['ai-events', 'transactions-commands', 'ai-maintenance']) {
      for (const state of ['waiting', 'active', 'delayed', 'failed']) expect(text).toContain(`queue_jobs{queue="${name}",state="${state}"} 0`);
    }
  });
});
