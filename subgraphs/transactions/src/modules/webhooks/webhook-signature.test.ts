import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseSchedule } from './webhook-schedule.js';
import { newSecret, SecretBox, signatureHeader, verifySignature } from './webhook-signature.js';

describe('webhook signatures', () => {
  const body = '{"id":"e1","type":"transaction.created","data":{}}';

  it('is HMAC-SHA256 of "<t>.<body>" in hex, with the timestamp beside it', () => {
    const header = signatureHeader('whsec_abc', body, 1_764_000_000);
    const expected = createHmac('sha256', 'whsec_abc').update(`1764000000.${body}`).digest('hex');
    expect(header).toBe(`t=1764000000,v1=${expected}`);
  });

  it('verifies the right secret, body and fresh timestamp only', () => {
    const now = 1_764_000_000;
    const header = signatureHeader('whsec_abc', body, now);
    expect(verifySignature('whsec_abc', body, header, 300, now + 10)).toBe(true);
    expect(verifySignature('whsec_other', body, header, 300, now)).toBe(false);
    expect(verifySignature('whsec_abc', `${body} `, header, 300, now)).toBe(false);
    expect(verifySignature('whsec_abc', body, header, 300, now + 301)).toBe(false);
    expect(verifySignature('whsec_abc', body, header.replace(/t=\d+/, `t=${now + 1}`), 300, now)).toBe(false);
    expect(verifySignature('whsec_abc', body, 'garbage', 300, now)).toBe(false);
  });

  it('makes long random secrets', () => {
    const a = newSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(newSecret()).not.toBe(a);
  });

  it('keeps secrets encrypted at rest, readable with the same key only', () => {
    const box = new SecretBox('key one, long enough');
    const sealed = box.seal('whsec_abc');
    expect(sealed).not.toContain('whsec_abc');
    expect(box.seal('whsec_abc')).not.toBe(sealed); // a fresh IV each time
    expect(box.open(sealed)).toBe('whsec_abc');
    expect(() => new SecretBox('another key entirely').open(sealed)).toThrow();
    const tampered = sealed.slice(0, -2) + (sealed.endsWith('A') ? 'BB' : 'AA');
    expect(() => box.open(tampered)).toThrow();
  });
});

describe('the retry schedule', () => {
  it('reads durations with units', () => {
    expect(parseSchedule('10s,1m,5m,30m,2h')).toEqual([10_000, 60_000, 300_000, 1_800_000, 7_200_000]);
    expect(parseSchedule('100, 250ms')).toEqual([100, 250]);
    expect(parseSchedule('')).toBeNull();
    expect(parseSchedule('10x')).toBeNull();
  });
});
