import { hash, verify } from '@node-rs/argon2';
import { badInput } from '@centavo/errors';

// OWASP's argon2id baseline: 19 MiB, 2 iterations, 1 lane.
// `algorithm: 2` is Algorithm.Argon2id, a const enum that isolated modules cannot read.
const ARGON2 = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const MIN_PASSWORD_LENGTH = 8;
// Hashing cost grows with input; a ceiling keeps one request from tying up a thread.
export const MAX_PASSWORD_LENGTH = 256;
// RFC 5321's limit; a raw input may add some spaces around it, never kilobytes.
export const MAX_EMAIL_LENGTH = 254;
const MAX_RAW_EMAIL_LENGTH = 512;
const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

/** Trimmed and lower-cased; an over-long input is refused before any other work on it. */
function trimmedEmail(raw: string, field: string): string {
  if (raw.length > MAX_RAW_EMAIL_LENGTH) throw badInput(field, `Email address must have at most ${MAX_EMAIL_LENGTH} characters`);
  const email = raw.trim().toLowerCase();
  if (email.length > MAX_EMAIL_LENGTH) throw badInput(field, `Email address must have at most ${MAX_EMAIL_LENGTH} characters`);
  return email;
}

/** Lower-cases and trims an email; BAD_USER_INPUT naming `email` when it is not one. */
export function normalizeEmail(raw: string, field = 'email'): string {
  const email = trimmedEmail(raw, field);
  if (!EMAIL.test(email)) throw badInput(field, 'Email address is not valid');
  return email;
}

/** A login's email, normalized as at registration; possibly empty or malformed (then no user has it). */
export const loginEmail = (raw: string, field = 'email'): string => trimmedEmail(raw, field);

/** No registered password is longer: refused before it is hashed. */
export function loginPassword(password: string, field = 'password'): void {
  if (password.length > MAX_PASSWORD_LENGTH) throw badInput(field, `Password must have at most ${MAX_PASSWORD_LENGTH} characters`);
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
  if (raw.length > 1_000) throw badInput(field, 'Name must have at most 100 characters');
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
