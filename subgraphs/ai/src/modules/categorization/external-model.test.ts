import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { defaultCategoryId } from '@centavo/categories';
import type { RulesRepository } from '../rules/rules.repository.js';
import type { CategorizationRepository } from './categorization.repository.js';
import { CategorizationService } from './categorization.service.js';
import type { ColdCategorizer, ColdDecision } from './cold-categorizer.js';
import { createExternalModel, ExternalModel, type ExternalModelOptions } from './external-model.js';
import { loadConfig } from '../../config.js';
import { testEnv } from '@centavo/testing';

/** A real OpenAI-compatible peer on 127.0.0.1: answers with `reply`, after `delayMs`, with `status`. */
const peer = { reply: 'groceries', delayMs: 0, status: 200, requests: [] as { auth: string | undefined; body: Record<string, unknown> }[] };
let server: Server;
let url: string;

const readBody = async (req: IncomingMessage): Promise<string> => {
  let data = '';
  for await (const chunk of req) data += String(chunk);
  return data;
};

beforeAll(async () => {
  server = createServer((req, res) => {
    void readBody(req).then((raw) => {
      peer.requests.push({ auth: req.headers.authorization, body: JSON.parse(raw) as Record<string, unknown> });
      setTimeout(() => {
        if (res.destroyed) return;
        res.writeHead(peer.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: 'c1', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: peer.reply }, finish_reason: 'stop' }] }));
      }, peer.delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  Object.assign(peer, { reply: 'groceries', delayMs: 0, status: 200, requests: [] });
});

let clock = 1_000_000;
const model = (o: Partial<ExternalModelOptions> = {}) =>
  new ExternalModel({ url, apiKey: 'sk-test', model: 'tiny', timeoutMs: 500, maxCallsPerHour: 100, now: () => clock, ...o });

describe('external model configuration', () => {
  it('is off unless EXTERNAL_MODEL_URL is set', () => {
    expect(createExternalModel(loadConfig(testEnv()))).toBeNull();
    const config = loadConfig(testEnv({ EXTERNAL_MODEL_URL: 'http://127.0.0.1:9/v1' }));
    expect(config).toMatchObject({ EXTERNAL_MODEL_TIMEOUT_MS: 3000, EXTERNAL_MODEL_MAX_CALLS_PER_HOUR: 100 });
    expect(createExternalModel(config)?.name).toBe(config.EXTERNAL_MODEL_NAME);
  });
});

describe('ExternalModel against a local chat-completions server', () => {
  it('asks for one slug of the allowed list at temperature 0 and returns it', async () => {
    expect(await model().pick('PADARIA X', 'out', ['groceries', 'gifts'])).toBe('groceries');
    const [req] = peer.requests;
    expect(req?.auth).toBe('Bearer sk-test');
    expect(req?.body).toMatchObject({ model: 'tiny', temperature: 0 });
    expect(JSON.stringify(req?.body.messages)).toContain('groceries, gifts');
  });

  it('ignores an answer outside the allowed slugs', async () => {
    peer.reply = 'salary';
    expect(await model().pick('PADARIA X', 'out', ['groceries', 'gifts'])).toBeNull();
    peer.reply = 'I think groceries';
    expect(await model().pick('PADARIA X', 'out', ['groceries', 'gifts'])).toBeNull();
    peer.reply = '"Gifts".';
    expect(await model().pick('PADARIA X', 'out', ['groceries', 'gifts'])).toBe('gifts');
  });

  it('falls back (null) on a timeout', async () => {
    peer.delayMs = 400;
    expect(await model({ timeoutMs: 50 }).pick('PADARIA X', 'out', ['groceries'])).toBeNull();
  });

  it('opens the breaker after 5 consecutive failures, then lets one probe through after 30 s', async () => {
    peer.status = 500;
    const m = model();
    for (let i = 0; i < 5; i++) expect(await m.pick('X', 'out', ['groceries'])).toBeNull();
    expect(m.breakerState()).toBe('open');
    expect(await m.pick('X', 'out', ['groceries'])).toBeNull();
    expect(peer.requests).toHaveLength(5);

    clock += 30_000;
    expect(m.breakerState()).toBe('half-open');
    expect(await m.pick('X', 'out', ['groceries'])).toBeNull(); // the probe fails: open again
    expect(peer.requests).toHaveLength(6);
    expect(m.breakerState()).toBe('open');

    clock += 30_000;
    peer.status = 200;
    peer.delayMs = 50;
    const [probe, concurrent] = await Promise.all([m.pick('X', 'out', ['groceries']), m.pick('X', 'out', ['groceries'])]);
    expect([probe, concurrent]).toEqual(['groceries', null]); // one probe at a time
    expect(m.breakerState()).toBe('closed');
  });

  it('stops calling once the hourly budget is spent, and calls again an hour later', async () => {
    const m = model({ maxCallsPerHour: 2 });
    for (let i = 0; i < 3; i++) await m.pick('X', 'out', ['groceries']);
    expect(peer.requests).toHaveLength(2);
    clock += 3_600_000;
    expect(await m.pick('X', 'out', ['groceries'])).toBe('groceries');
    expect(peer.requests).toHaveLength(3);
  });
});

describe('CategorizationService with the external model', () => {
  const userId = '00000000-0000-4000-8000-000000000001';
  const cold: ColdCategorizer = {
    version: 'lr-test',
    categorize(description): ColdDecision {
      const sure = description.startsWith('SURE');
      return {
        merchant: null,
        slug: sure ? 'restaurants' : null,
        confidence: sure ? 0.9 : 0.3,
        source: 'MODEL',
        explanation: 'model: test',
        suggestions: [{ slug: 'restaurants', confidence: sure ? 0.9 : 0.3 }],
      };
    },
  };
  const repo = { memory: () => Promise.resolve(null), priors: () => Promise.resolve([]) } as unknown as CategorizationRepository;
  const rules = { listByUser: () => Promise.resolve([]) } as unknown as RulesRepository;
  const service = () => new CategorizationService(repo, rules, cold, { threshold: 0.5, external: model() });
  const input = (description: string) => ({ description, cents: -1000n, absScaled: 100_000n });

  it('asks it only below the threshold, and only on the worker path', async () => {
    const s = service();
    const sure = await s.decide(userId, input('SURE THING'), { external: true });
    expect(sure.categoryId).toBe(defaultCategoryId(userId, 'restaurants'));
    expect(peer.requests).toHaveLength(0);

    expect((await s.decide(userId, input('UNSURE'))).categoryId).toBeNull();
    expect(peer.requests).toHaveLength(0);

    const unsure = await s.decide(userId, input('UNSURE'), { external: true });
    expect(peer.requests).toHaveLength(1);
    expect(unsure).toMatchObject({ categoryId: defaultCategoryId(userId, 'groceries'), explanation: 'external model tiny: groceries', confidence: 0.6 });
    expect(JSON.stringify(peer.requests[0]?.body.messages)).not.toContain('salary'); // money out: expense slugs only
  });

  it('keeps the local result when the external model fails or answers nonsense', async () => {
    peer.status = 503;
    expect((await service().decide(userId, input('UNSURE'), { external: true })).categoryId).toBeNull();
    peer.status = 200;
    peer.reply = 'salary';
    const local = await service().decide(userId, input('UNSURE'), { external: true });
    expect(local).toMatchObject({ categoryId: null, explanation: 'model: test', confidence: 0.3 });
  });
});
