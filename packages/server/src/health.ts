import type { Express } from 'express';
import { metrics, metricsContentType, metricsText } from '@centavo/metrics';

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

const KNOWN_ROUTES = new Set(['/graphql', '/health', '/ready', '/live', '/metrics']);

/**
 * /live (the process answers), /ready (503 while a dependency is down), /health, and
 * /metrics (Prometheus text), plus the duration of every HTTP request. Mount it first.
 */
export function mountHealth(app: Express, service: string, checks: ReadinessCheck[]): void {
  app.use((req, res, next) => {
    const done = metrics.httpDuration.startTimer();
    // Unknown paths share one label, so scanners cannot blow up the metric's cardinality.
    const route = KNOWN_ROUTES.has(req.path) ? req.path : 'other';
    res.on('finish', () => done({ service, method: req.method, route, status: String(res.statusCode) }));
    next();
  });
  app.get('/metrics', async (_req, res) => {
    res.type(metricsContentType).send(await metricsText());
  });
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
