import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '@centavo/logger';
import { WebhookDispatcher, type DispatcherDeps } from './webhooks.dispatcher.js';
import type { WebhooksRepository } from './webhooks.repository.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A repository that only answers the sweeper's two questions, counting them. */
const ENDPOINT = randomUUID();

function sweeperRepo(nextDue: () => Date | null) {
  const calls = { nextDueAt: 0, dueEndpoints: 0 };
  const repo = {
    nextDueAt: () => {
      calls.nextDueAt++;
      return Promise.resolve(nextDue());
    },
    dueEndpoints: () => {
      calls.dueEndpoints++;
      return Promise.resolve([{ endpointId: ENDPOINT, userId: randomUUID() }]);
    },
  } as unknown as WebhooksRepository;
  return { repo, calls };
}

function dispatcher(repo: WebhooksRepository, woken: string[], idleSweepMs = 60_000): WebhookDispatcher {
  const drains = { add: (_name: string, payload: { endpointId: string }) => Promise.resolve(woken.push(payload.endpointId)) };
  const deps = {
    repo,
    drains: () => drains,
    sweepMs: 20,
    idleSweepMs,
    logger: createLogger({ level: 'silent' }),
  } as unknown as DispatcherDeps;
  return new WebhookDispatcher(deps);
}

let running: WebhookDispatcher | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

describe('the webhook sweeper', () => {
  it('runs no statement while nothing waits, until its idle pause', async () => {
    const { repo, calls } = sweeperRepo(() => null);
    running = dispatcher(repo, [], 300);
    running.startSweeper();
    await sleep(200);
    expect(calls).toEqual({ nextDueAt: 1, dueEndpoints: 0 });
    for (let waited = 0; calls.nextDueAt < 2 && waited < 10_000; waited += 50) await sleep(50);
    expect(calls.nextDueAt).toBe(2);
  });

  it('sleeps until the next delivery falls due, then wakes its endpoint', async () => {
    const due = Date.now() + 250;
    const { repo, calls } = sweeperRepo(() => new Date(due));
    const woken: string[] = [];
    running = dispatcher(repo, woken);
    running.startSweeper();
    await sleep(150);
    expect(woken).toEqual([]);
    expect(calls.nextDueAt).toBe(1);
    for (let waited = 0; woken.length === 0 && waited < 10_000; waited += 50) await sleep(50);
    expect(woken[0]).toBe(ENDPOINT);
    expect(calls.dueEndpoints).toBeGreaterThanOrEqual(1);
  });
});
