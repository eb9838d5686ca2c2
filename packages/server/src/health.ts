import type { Express } from 'express';

/** A dependency whose failure makes the process not ready (PostgreSQL, Redis, ...). */
export interface ReadinessCheck {
  name: string;
  check(): Promise<unknown>;
}

const CHECK_TIMEOUT_MS = 2_000;

async function runCheck(check: ReadinessCheck): Promise<{ name: string; ok: boolean; error?: string }> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check.check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('timed out')), CHECK_TIMEOUT_MS);
      }),
    ]);
    return { name: check.name, ok: true };
  } catch (error) {
    return { name: check.name, ok: false, error: (error as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

/** /live (the process answers), /ready (503 while a dependency is down) and /health. */
export function mountHealth(app: Express, service: string, checks: ReadinessCheck[]): void {
  app.get('/live', (_req, res) => {
    res.json({ status: 'ok' });
  });
  const ready = async () => {
    const results = await Promise.all(checks.map(runCheck));
    return { ok: results.every((r) => r.ok), results };
  };
  app.get('/ready', async (_req, res) => {
    const { ok, results } = await ready();
    res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : 'unavailable', checks: results });
  });
  app.get('/health', async (_req, res) => {
    const { ok, results } = await ready();
    res.status(ok ? 200 : 503).json({
      status: ok ? 'ok' : 'degraded',
      service,
      uptimeSeconds: Math.round(process.uptime()),
      checks: results,
    });
  });
}
