import { ConfigError, loadSubgraphConfig, z } from '@centavo/config';
import { parseSchedule } from './modules/webhooks/webhook-schedule.js';

const loadBase = (env: Record<string, string | undefined>) =>
  loadSubgraphConfig(
    'transactions',
    {
      /** Accounts one user may have, archived ones included; past it createAccount is LIMIT_EXCEEDED. */
      MAX_ACCOUNTS_PER_USER: z.coerce.number().int().min(1).default(100),
      /** People one account may be shared with (pending and accepted); past it shareAccount is LIMIT_EXCEEDED. */
      MAX_SHARES_PER_ACCOUNT: z.coerce.number().int().min(1).max(1000).default(20),
      /**
       * How long an unknown category id is looked up again in the read model before it is
       * NOT_FOUND: a category created a moment ago reaches it through budget's outbox and a job.
       * 0 looks once.
       */
      CATEGORY_SYNC_WAIT_MS: z.coerce.number().int().min(0).max(60_000).default(3000),
      /**
       * Largest statement file, in bytes: an upload (gateway POST /imports, streamed) past it is
       * LIMIT_EXCEEDED (HTTP 413) and nothing of it is kept. importTransactions' `content` is
       * also bounded by the request body limits (gateway BODY_LIMIT, the subgraph's 1 MB).
       */
      IMPORT_MAX_BYTES: z.coerce.number().int().min(1).default(200 * 1024 * 1024),
      /** How long one upload may take to arrive (its file is stored in one database transaction). */
      IMPORT_UPLOAD_TIMEOUT_MS: z.coerce.number().int().min(1000).default(15 * 60_000),
      /** Imports one user may have QUEUED or RUNNING at once; past it LIMIT_EXCEEDED. */
      MAX_ACTIVE_IMPORTS_PER_USER: z.coerce.number().int().min(1).default(3),
      /** Rows written per database transaction by an import (with their events and the job's progress). */
      IMPORT_BATCH_SIZE: z.coerce.number().int().min(1).max(5000).default(2000),
      /** Bad rows an import job keeps (ImportJob.errors); the rest are only counted. */
      IMPORT_MAX_ERRORS: z.coerce.number().int().min(1).max(10_000).default(1000),
      /**
       * Key material the webhook signing secrets are encrypted with (any long random string).
       * Required in production; elsewhere a fixed development key is used.
       */
      WEBHOOK_SECRET_KEY: z.string().min(16).optional(),
      /**
       * Waits before each retry of a failed webhook delivery (s, m, h units; ms if bare); after the
       * last one the delivery is DEAD (the dead-letter list, replayable).
       */
      WEBHOOK_RETRY_SCHEDULE: z.string().default('10s,1m,5m,30m,2h').transform((v, ctx) => {
        const schedule = parseSchedule(v);
        if (!schedule) ctx.addIssue({ code: 'custom', message: 'a comma-separated list of durations like 10s,1m,5m' });
        return schedule ?? [];
      }),
      /** How long one webhook request may take (connect, send, answer) before it counts as failed. */
      WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
      /** Requests in flight to one endpoint at once. */
      WEBHOOK_ENDPOINT_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
      /** Endpoints served at once by one worker process (each holds one slot however slow it is). */
      WEBHOOK_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(32),
      /** Dead deliveries in a row after which an endpoint is disabled (the user re-enables it). */
      WEBHOOK_DISABLE_AFTER: z.coerce.number().int().min(1).default(10),
      /** How often the worker looks for due retries (and deliveries a crashed worker held). */
      WEBHOOK_SWEEP_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
      /** Webhook endpoints one user may register; past it createWebhookEndpoint is LIMIT_EXCEEDED. */
      MAX_WEBHOOK_ENDPOINTS_PER_USER: z.coerce.number().int().min(1).default(10),
    },
    env,
  );

const DEVELOPMENT_WEBHOOK_KEY = 'centavo-development-webhook-key (not for production)';

export const loadConfig = (env: Record<string, string | undefined> = process.env) => {
  const config = loadBase(env);
  if (config.NODE_ENV === 'production' && !config.WEBHOOK_SECRET_KEY) {
    throw new ConfigError(['WEBHOOK_SECRET_KEY: required in production (the key webhook secrets are encrypted with)']);
  }
  return { ...config, webhookSecretKey: config.WEBHOOK_SECRET_KEY ?? DEVELOPMENT_WEBHOOK_KEY };
};

export type TransactionsConfig = ReturnType<typeof loadConfig>;
