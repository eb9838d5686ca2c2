import { describe, expect, it } from 'vitest';
import { DomainError } from '@centavo/errors';
import { hashPassword, normalizeEmail, normalizeName, validatePassword, verifyPassword } from './credentials.js';

const fieldOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return error instanceof DomainError ? `${error.code}:${error.field}` : 'other';
  }
  return 'none';
};

describe('credentials', () => {
  it('normalizes emails to trimmed lower case', () => {
    expect(normalizeEmail('  Ana.Souza@Example.COM ')).toBe('ana.souza@example.com');
  });

  it('rejects malformed emails naming the field', () => {
    for (const bad of ['', 'ana', 'ana@', '@example.com', 'ana@example', 'ana @example.com', 'a@b..com']) {
      expect(fieldOf(() => normalizeEmail(bad)), bad).toBe('BAD_USER_INPUT:email');
    }
  });

  it('requires passwords of 8 to 256 characters', () => {
    expect(fieldOf(() => validatePassword('1234567'))).toBe('BAD_USER_INPUT:password');
    expect(fieldOf(() => validatePassword('x'.repeat(257)))).toBe('BAD_USER_INPUT:password');
    expect(fieldOf(() => validatePassword('12345678'))).toBe('none');
  });

  it('requires a name', () => {
    expect(fieldOf(() => normalizeName('   '))).toBe('BAD_USER_INPUT:name');
    expect(normalizeName('  Ana   Souza ')).toBe('Ana Souza');
  });

  it('hashes with argon2id and verifies only the right password', async () => {
    const hash = await hashPassword('correct horse');
    expect(hash).toMatch(/^\$argon2id\$/);
    expect(await verifyPassword(hash, 'correct horse')).toBe(true);
    expect(await verifyPassword(hash, 'correct horsE')).toBe(false);
    expect(await verifyPassword('not a hash', 'x')).toBe(false);
  });
});
