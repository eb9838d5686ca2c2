import { loadSubgraphConfig, z } from '@centavo/config';

/** Per-user quotas; past them a create is LIMIT_EXCEEDED with the limit in extensions. */
export const QUOTA_DEFAULTS = {
  /** Custom categories (the defaults every user starts with do not count). */
  MAX_CATEGORIES_PER_USER: 200,
  /** Budgets over all months (replacing one of the same category and month does not count). */
  MAX_BUDGETS_PER_USER: 5_000,
  /** Recurring bills created by hand (suggestions from detection do not count). */
  MAX_RECURRING_BILLS_PER_USER: 1_000,
};

/** Recurring bills: the amount tolerance (%) of detection and of RECURRING_AMOUNT_CHANGED. */
export const RECURRING_DEFAULTS = { RECURRING_AMOUNT_TOLERANCE_PERCENT: 10 };

// WORKER_CONCURRENCY and WORKER_STALLED_INTERVAL_MS come with every subgraph's config (workerEnv).
export const loadConfig = (env: Record<string, string | undefined> = process.env) =>
  loadSubgraphConfig(
    'budget',
    {
      MAX_CATEGORIES_PER_USER: z.coerce.number().int().min(1).default(QUOTA_DEFAULTS.MAX_CATEGORIES_PER_USER),
      MAX_BUDGETS_PER_USER: z.coerce.number().int().min(1).default(QUOTA_DEFAULTS.MAX_BUDGETS_PER_USER),
      MAX_RECURRING_BILLS_PER_USER: z.coerce.number().int().min(1).default(QUOTA_DEFAULTS.MAX_RECURRING_BILLS_PER_USER),
      RECURRING_AMOUNT_TOLERANCE_PERCENT: z.coerce.number().int().min(0).max(100).default(RECURRING_DEFAULTS.RECURRING_AMOUNT_TOLERANCE_PERCENT),
      /** How often the worker looks for bills to remind of (BILL_DUE); reminders are per day, so minutes are plenty. */
      BILL_REMINDER_INTERVAL_MS: z.coerce.number().int().min(100).default(600_000),
      /** Alerts by email: the SMTP server (smtp://host:port, smtps:// for TLS, user:password@ to log in); unset or empty, no email is sent. */
      SMTP_URL: z.preprocess((v) => (v === '' ? undefined : v), z.url({ protocol: /^smtps?$/ }).optional()),
      /** The From of alert emails. */
      SMTP_FROM: z.string().min(3).default('Centavo <alerts@centavo.localhost>'),
      /** How often the worker enqueues due digests (and emails whose enqueue was lost); digests are daily, so minutes are plenty. */
      EMAIL_PASS_INTERVAL_MS: z.coerce.number().int().min(100).default(300_000),
    },
    env,
  );

export type BudgetConfig = ReturnType<typeof loadConfig>;
export type BudgetQuotas = typeof QUOTA_DEFAULTS;
