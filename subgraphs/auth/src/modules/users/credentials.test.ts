import { describe, expect, it } from 'vitest';
import { DomainError } from '@centavo/errors';
import { hashPassword, loginEmail, loginPassword, normalizeEmail, normalizeName, validatePassword, verifyPassword } from './credentials.js';

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

  it('refuses over-long emails and passwords, at registration and at login', () => {
    const huge = `${'a'.repeat(900_000)}@example.com`;
    expect(fieldOf(() => normalizeEmail(huge))).toBe('BAD_USER_INPUT:email');
    expect(fieldOf(() => loginEmail(huge))).toBe('BAD_USER_INPUT:email');
    expect(fieldOf(() => loginEmail(`${'a'.repeat(250)}@example.com`))).toBe('BAD_USER_INPUT:email');
    expect(loginEmail('  Ana@Example.com ')).toBe('ana@example.com');
    expect(fieldOf(() => loginPassword('x'.repeat(257)))).toBe('BAD_USER_INPUT:password');
    expect(fieldOf(() => loginPassword('short'))).toBe('none');
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
