import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import express, { type Express } from 'express';
import type { Logger } from '@centavo/logger';

/** web/dist of this checkout: what `vite build` in web/ writes. */
export const DEFAULT_WEB_APP_DIR = path.resolve(import.meta.dirname, '..', '..', 'web', 'dist');

// Paths the gateway answers itself; everything else a browser asks for is the app's.
const API_PREFIXES = ['/graphql', '/health', '/ready', '/live', '/metrics', '/admin'];

/**
 * Serves the built web app on the gateway's origin, so the app's /graphql and WebSocket need no
 * CORS: hashed files under /assets are cached for a year, index.html (the entry for every app
 * route, e.g. /transactions) is revalidated on every load so a deploy shows at once.
 */
export function mountWebApp(app: Express, dir: string, logger: Logger): boolean {
  const indexFile = path.join(dir, 'index.html');
  if (!existsSync(indexFile)) {
    logger.warn({ dir }, 'web app not built (run `vite build` in web/): not served');
    return false;
  }
  const index = readFileSync(indexFile);
  app.use(
    '/assets',
    express.static(path.join(dir, 'assets'), {
      immutable: true,
      maxAge: '365d',
      index: false,
      fallthrough: false,
    }),
  );
  app.use(
    express.static(dir, {
      index: false,
      setHeaders: (res) => res.setHeader('cache-control', 'no-cache'),
    }),
  );
  app.get(/.*/, (req, res, next) => {
    if (API_PREFIXES.some((p) => req.path === p || req.path.startsWith(`${p}/`)) || !req.accepts('html')) return next();
    res
      .status(200)
      .type('html')
      .setHeader('cache-control', 'no-cache')
      .setHeader('x-content-type-options', 'nosniff')
      .setHeader('referrer-policy', 'same-origin')
      .setHeader('x-frame-options', 'DENY')
      // Scripts and the API from this origin only (connect-src 'self' covers the same-origin WebSocket).
      .setHeader('content-security-policy', "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'")
      .send(index);
  });
  logger.info({ dir }, 'web app served at /');
  return true;
}
