/** Every seeded user's password (one argon2id hash is computed per run and shared). */
export const SEED_PASSWORD = 'seeded-history-password';

/** Seeded users' emails: seed-<run tag>-<index>@example.com. */
export const SEED_EMAIL_LIKE = 'seed-%@example.com';
