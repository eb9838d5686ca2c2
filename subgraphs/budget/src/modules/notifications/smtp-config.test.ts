import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.js';

describe('SMTP configuration of alert emails', () => {
  it('is off when SMTP_URL is unset or empty, and takes smtp:// and smtps:// URLs only', () => {
    expect(loadConfig({}).SMTP_URL).toBeUndefined();
    expect(loadConfig({ SMTP_URL: '' }).SMTP_URL).toBeUndefined();
    expect(loadConfig({ SMTP_URL: 'smtps://user:pw@mail.example.com:465' }).SMTP_URL).toBe('smtps://user:pw@mail.example.com:465');
    expect(() => loadConfig({ SMTP_URL: 'http://127.0.0.1:2525' })).toThrow(/SMTP_URL/);
  });
});
