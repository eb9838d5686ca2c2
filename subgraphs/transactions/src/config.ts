import { loadSubgraphConfig, z } from '@centavo/config';

export const loadConfig = (env: Record<string, string | undefined> = process.env) =>
  loadSubgraphConfig(
    'transactions',
    {
      /** Accounts one user may have, archived ones included; past it createAccount is LIMIT_EXCEEDED. */
      MAX_ACCOUNTS_PER_USER: z.coerce.number().int().min(1).default(100),
      /**
       * How long an unknown category id is looked up again in the read model before it is
       * NOT_FOUND: a category created a moment ago reaches it through budget's outbox and a job.
       * 0 looks once.
       */
      CATEGORY_SYNC_WAIT_MS: z.coerce.number().int().min(0).max(60_000).default(3000),
      /**
       * Largest statement importTransactions accepts, in bytes (UTF-8); beyond it LIMIT_EXCEEDED.
       * The request body limits (gateway BODY_LIMIT, the subgraph's 1 MB) may refuse it earlier.
       */
      IMPORT_MAX_BYTES: z.coerce.number().int().min(1).default(10 * 1024 * 1024),
      /** Imports one user may have QUEUED or RUNNING at once; past it LIMIT_EXCEEDED. */
      MAX_ACTIVE_IMPORTS_PER_USER: z.coerce.number().int().min(1).default(3),
      /** Rows written per database transaction by an import (with their events and the job's progress). */
      IMPORT_BATCH_SIZE: z.coerce.number().int().min(1).max(5000).default(500),
      /** Bad rows an import job keeps (ImportJob.errors); the rest are only counted. */
      IMPORT_MAX_ERRORS: z.coerce.number().int().min(1).max(10_000).default(1000),
    },
    env,
  );

export type TransactionsConfig = ReturnType<typeof loadConfig>;
