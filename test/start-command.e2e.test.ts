import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ok, testEnv, uniqueEmail } from '@centavo/testing';

const root = path.resolve(import.meta.dirname, '..');
// Ports of their own, so a developer's running instance (4000-4004) does not interfere.
const ports = { GATEWAY_PORT: 14400, AUTH_PORT: 14401, TRANSACTIONS_PORT: 14402, BUDGET_PORT: 14403, AI_PORT: 14404 };
let child: ChildProcess | undefined;

afterAll(() => {
  child?.kill('SIGKILL');
});

async function waitFor(url: string, timeoutMs: number): Promise<Response> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(url);
      if (res.ok) return res;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('centavo --module=all', () => {
  it('starts every module as one process tree, serves the supergraph, and stops on SIGTERM', async () => {
    const sub = (name: keyof typeof ports) => `http://127.0.0.1:${ports[name]}/graphql`;
    child = spawn(process.execPath, ['--import', 'tsx', 'bin/centavo.ts', '--module=all'], {
      cwd: root,
      env: {
        ...testEnv(),
        ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
        AUTH_SUBGRAPH_URL: sub('AUTH_PORT'),
        TRANSACTIONS_SUBGRAPH_URL: sub('TRANSACTIONS_PORT'),
        BUDGET_SUBGRAPH_URL: sub('BUDGET_PORT'),
        AI_SUBGRAPH_URL: sub('AI_PORT'),
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const health = await (await waitFor(`http://127.0.0.1:${ports.GATEWAY_PORT}/health`, 30_000)).json();
    expect(health).toMatchObject({ status: 'ok', service: 'gateway' });
    expect((await fetch(`http://127.0.0.1:${ports.AUTH_PORT}/ready`)).status).toBe(200);

    const data = await ok<{ register: { user: { email: string } } }>(
      `http://127.0.0.1:${ports.GATEWAY_PORT}/graphql`,
      `mutation ($e: String!) { register(input: { email: $e, password: "long enough", name: "Smoke" }) { user { email } } }`,
      { e: uniqueEmail('smoke') },
    );
    expect(data.register.user.email).toMatch(/^smoke-/);

    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 60_000);
});
