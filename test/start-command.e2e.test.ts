import type { ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { ok, uniqueEmail } from '@centavo/testing';
import { processEnv, spawnCentavo } from './support/process.js';
import { eventually } from './support/wait.js';

// Ports of their own (14400-14405), so a developer's running instance does not interfere.
const env = processEnv(14400);
let child: ChildProcess | undefined;

afterAll(() => {
  child?.kill('SIGKILL');
});

describe('centavo --module=all', () => {
  it('starts every module as one process tree, serves the supergraph, and stops on SIGTERM', async () => {
    child = spawnCentavo('all', env, 'inherit');
    const health = await eventually(
      async () => {
        const res = await fetch('http://127.0.0.1:14400/health');
        return res.ok ? ((await res.json()) as Record<string, unknown>) : undefined;
      },
      // A process start on a busy machine can take far longer than on a quiet one.
      90_000,
      'the gateway up',
    );
    expect(health).toMatchObject({ status: 'ok', service: 'gateway' });
    expect((await fetch('http://127.0.0.1:14401/ready')).status).toBe(200);
    await eventually(async () => ((await fetch('http://127.0.0.1:14405/ready')).ok ? true : undefined), 60_000, 'the worker up');

    const data = await ok<{ register: { user: { email: string } } }>(
      env.gatewayUrl,
      `mutation ($e: String!) { register(input: { email: $e, password: "long enough", name: "Smoke" }) { user { email } } }`,
      { e: uniqueEmail('smoke') },
    );
    expect(data.register.user.email).toMatch(/^smoke-/);

    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 180_000);
});
