import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mountErrorHandling } from './http-errors.js';
import { listen, type RunningHttpServer } from './http.js';

const ENVS = ['development', 'test', 'production'] as const;
const servers = new Map<string, RunningHttpServer>();

beforeAll(async () => {
  for (const env of ENVS) {
    const app = express();
    // Express shows a stack trace in its own error page unless env is production.
    app.set('env', env);
    app.post('/graphql', express.json({ limit: '1kb' }), (_req, res) => {
      res.json({ data: { ok: true } });
    });
    app.get('/boom', () => {
      throw new Error('secret internals at /srv/app.js:12');
    });
    mountErrorHandling(app);
    servers.set(env, await listen(app, '127.0.0.1', 0));
  }
});
afterAll(() => Promise.all([...servers.values()].map((s) => s.close())));

async function send(env: string, path: string, init: RequestInit = {}) {
  const res = await fetch(`${servers.get(env)!.url}${path}`, init);
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type') ?? '', text, body: JSON.parse(text) as { errors: { message: string; extensions: { code: string } }[] } };
}

const post = (body: string) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body });

describe('errors that reach Express', () => {
  for (const env of ENVS) {
    it(`are JSON with a code, never HTML or a stack, with NODE_ENV=${env}`, async () => {
      const malformed = await send(env, '/graphql', post('{"query": '));
      expect(malformed.status).toBe(400);
      expect(malformed.type).toMatch(/^application\/json/);
      expect(malformed.body).toEqual({ errors: [{ message: 'The request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }] });

      const large = await send(env, '/graphql', post(JSON.stringify({ query: 'x'.repeat(5_000) })));
      expect(large.status).toBe(413);
      expect(large.body.errors[0]?.extensions.code).toBe('PAYLOAD_TOO_LARGE');

      const thrown = await send(env, '/boom');
      expect(thrown.status).toBe(500);
      expect(thrown.body.errors[0]).toEqual({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } });

      const missing = await send(env, '/nowhere', post('{'));
      expect(missing.status).toBe(404);
      expect(missing.body.errors[0]?.extensions.code).toBe('NOT_FOUND');

      for (const res of [malformed, large, thrown, missing]) {
        expect(res.text).not.toMatch(/<html|<pre|\bat .*:\d+|secret internals/i);
      }
      expect((await send(env, '/graphql', post('{"query":"{ ok }"}'))).body).toEqual({ data: { ok: true } });
    });
  }
});
