import { hash, verify } from '@node-rs/argon2';
import { badInput } from '@centavo/errors';

// OWASP's argon2id baseline: 19 MiB, 2 iterations, 1 lane.
// `algorithm: 2` is Algorithm.Argon2id, a const enum that isolated modules cannot read.
const ARGON2 = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const MIN_PASSWORD_LENGTH = 8;
// Hashing cost grows with input; a ceiling keeps one request from tying up a thread.
export const MAX_PASSWORD_LENGTH = 256;
const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

/** Lower-cases and trims an email; BAD_USER_INPUT naming `email` when it is not one. */
export function normalizeEmail(raw: string, field = 'email'): string {
  const email = raw.trim().toLowerCase();
  if (email.length > 254 || !EMAIL.test(email)) throw badInput(field, 'Email address is not valid');
  return email;
}

export function validatePassword(password: string, field = 'password'): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw badInput(field, `Password must have at least ${MIN_PASSWORD_LENGTH} characters`);
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    throw badInput(field, `Password must have at most ${MAX_PASSWORD_LENGTH} characters`);
  }
}

export function normalizeName(raw: string, field = 'name'): string {
  const name = raw.trim().replace(/\s+/g, ' ');
  if (!name) throw badInput(field, 'Name must not be empty');
  if (name.length > 100) throw badInput(field, 'Name must have at most 100 characters');
  return name;
}

export const hashPassword = (password: string): Promise<string> => hash(password, ARGON2);

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

// Verified against when the email is unknown, so both failures take the same time.
let dummyHash: Promise<string> | undefined;
export function timingDummyHash(): Promise<string> {
  dummyHash ??= hashPassword('centavo-timing-equalizer');
  return dummyHash;
}
