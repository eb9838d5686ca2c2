import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

describe('transactions config: webhooks', () => {
  it('requires WEBHOOK_SECRET_KEY in production, naming it', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/WEBHOOK_SECRET_KEY: required in production/);
    expect(loadConfig({ NODE_ENV: 'production', WEBHOOK_SECRET_KEY: 'a long random production key' }).webhookSecretKey).toBe('a long random production key');
    expect(loadConfig({ NODE_ENV: 'development' }).webhookSecretKey).toMatch(/development/);
  });

  it('reads the retry schedule, and names a bad one', () => {
    expect(loadConfig({}).WEBHOOK_RETRY_SCHEDULE).toEqual([10_000, 60_000, 300_000, 1_800_000, 7_200_000]);
    expect(loadConfig({ WEBHOOK_RETRY_SCHEDULE: '100,1s' }).WEBHOOK_RETRY_SCHEDULE).toEqual([100, 1000]);
    expect(() => loadConfig({ WEBHOOK_RETRY_SCHEDULE: 'soon' })).toThrow(/WEBHOOK_RETRY_SCHEDULE/);
  });
});
