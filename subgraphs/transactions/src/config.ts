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
    },
    env,
  );

export type TransactionsConfig = ReturnType<typeof loadConfig>;
