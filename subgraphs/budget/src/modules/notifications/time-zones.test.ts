import { describe, expect, it } from 'vitest';
import { canonicalTimeZone, localTime } from './time-zones.js';

describe('time zones of digests', () => {
  it('gives the local day and hour', () => {
    const at = new Date('2026-05-14T02:30:00Z');
    expect(localTime(at, 'UTC')).toEqual({ day: '2026-05-14', hour: 2 });
    expect(localTime(at, 'America/Sao_Paulo')).toEqual({ day: '2026-05-13', hour: 23 });
    expect(localTime(at, 'Asia/Tokyo')).toEqual({ day: '2026-05-14', hour: 11 });
  });

  it('knows IANA zones only', () => {
    expect(canonicalTimeZone('America/Sao_Paulo')).toBe('America/Sao_Paulo');
    expect(canonicalTimeZone('UTC')).toBe('UTC');
    expect(canonicalTimeZone('Mars/Olympus')).toBeNull();
    expect(canonicalTimeZone('')).toBeNull();
  });
});
