import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@centavo/logger';
import { mountErrorHandling } from '@centavo/server';
import { mountWebApp } from '../src/web-app.js';

describe('the web app served by the gateway', () => {
  let dir: string;
  let base: string;
  let close: () => void;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'centavo-web-'));
    mkdirSync(path.join(dir, 'assets'));
    writeFileSync(path.join(dir, 'index.html'), '<!doctype html><div id="root"></div>');
    writeFileSync(path.join(dir, 'assets', 'index-abc123.js'), 'console.log(1)');
    writeFileSync(path.join(dir, 'favicon.svg'), '<svg/>');
    const app = express();
    app.post('/graphql', (_req, res) => res.json({ data: { ok: true } }));
    expect(mountWebApp(app, dir, createLogger({ level: 'silent' }))).toBe(true);
    mountErrorHandling(app);
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => server.close();
  });
  afterAll(() => {
    close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('caches hashed assets for a year and revalidates index.html on every load', async () => {
    const asset = await fetch(`${base}/assets/index-abc123.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const index = await fetch(`${base}/`, { headers: { accept: 'text/html' } });
    expect(index.status).toBe(200);
    expect(index.headers.get('cache-control')).toBe('no-cache');
    expect(index.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await index.text()).toContain('<div id="root">');
    expect((await fetch(`${base}/favicon.svg`)).headers.get('cache-control')).toBe('no-cache');
  });

  it('answers app routes with index.html, and leaves the API and missing assets alone', async () => {
    const route = await fetch(`${base}/transactions`, { headers: { accept: 'text/html' } });
    expect(route.status).toBe(200);
    expect(await route.text()).toContain('<div id="root">');
    expect((await fetch(`${base}/assets/missing-123.js`)).status).toBe(404);
    expect((await fetch(`${base}/graphql`, { headers: { accept: 'text/html' } })).status).toBe(404);
    expect((await fetch(`${base}/admin/queues`, { headers: { accept: 'text/html' } })).status).toBe(404);
    expect((await fetch(`${base}/graphql`, { method: 'POST' })).status).toBe(200);
    // A script asking for JSON from an unknown path gets the API's 404, not the page.
    expect((await fetch(`${base}/nope`, { headers: { accept: 'application/json' } })).status).toBe(404);
  });

  it('is not mounted when the app was not built', () => {
    expect(mountWebApp(express(), path.join(dir, 'missing'), createLogger({ level: 'silent' }))).toBe(false);
  });
});
