import { envBoolean, loadSubgraphConfig, z } from '@centavo/config';

export const loadConfig = (env: Record<string, string | undefined> = process.env) =>
  loadSubgraphConfig(
    'ai',
    {
      /**
       * How long createRule waits for a custom category it does not know yet to arrive by the budget
       * domain's category events (created a moment ago) before answering NOT_FOUND; 0 = no wait.
       */
      CATEGORY_SYNC_WAIT_MS: z.coerce.number().int().min(0).default(3000),
      /**
       * Below this confidence a transaction stays uncategorized (with suggestions). Unset: the
       * model's own threshold, calibrated on held-out merchants where its top category starts to be
       * right more often than wrong.
       */
      CATEGORIZE_THRESHOLD: z.coerce.number().min(0).max(1).optional(),
      /**
       * Where model files are written (`centavo train`, retrains) and first looked for (then in the
       * build's subgraphs/ai/model/). Share it between ai processes (a volume) so a retrained
       * version is trained once; unset: subgraphs/ai/model/.
       */
      MODEL_DIR: z.string().min(1).optional(),
      /** Users' corrections to default categories also train the global model (one installation's users). */
      GLOBAL_LEARNING: envBoolean(true),
      /** Retrain once this many new corrections (each user's counted up to the cap below) have come in since the last model ... */
      RETRAIN_AFTER_CORRECTIONS: z.coerce.number().int().min(1).default(50),
      /** ... from at least this many users (one user alone never triggers a retrain) ... */
      RETRAIN_MIN_USERS: z.coerce.number().int().min(1).default(3),
      /** ... at most once per this many minutes since the last retrain ... */
      RETRAIN_MIN_INTERVAL_MINUTES: z.coerce.number().min(0).default(60),
      /** ... and on this cron schedule (UTC), unpaced; empty turns the schedule off. */
      RETRAIN_CRON: z.string().default('0 3 * * *'),
      /** The global model learns at most this many corrections per user (that user's newest). */
      GLOBAL_LEARNING_MAX_EXAMPLES_PER_USER: z.coerce.number().int().min(1).default(50),
      /** ... and at most this many in all (the newest), so a retrain costs seconds, not minutes. */
      GLOBAL_LEARNING_MAX_EXAMPLES: z.coerce.number().int().min(1).default(10_000),
      /** Rules per user, REGEX rules among them, and RE2 instructions per REGEX rule and per user (all REGEX rules). */
      MAX_RULES_PER_USER: z.coerce.number().int().min(0).default(500),
      MAX_REGEX_RULES_PER_USER: z.coerce.number().int().min(0).default(50),
      MAX_REGEX_PROGRAM_SIZE: z.coerce.number().int().min(1).default(500),
      MAX_REGEX_PROGRAM_SIZE_PER_USER: z.coerce.number().int().min(0).default(5000),
      /** Per categorization, REGEX rules stop being tried past this sum of program size × text length (a user within the quotas stays below it) ... */
      REGEX_STEP_BUDGET: z.coerce.number().int().min(0).default(3_000_000),
      /** ... or past this many milliseconds (logged and counted in ai_regex_rules_skipped_total). */
      REGEX_TIME_BUDGET_MS: z.coerce.number().min(0).default(100),
      /** Memory for compiled regexes (and their DFAs), shared by all users of the process. */
      REGEX_CACHE_MAX_BYTES: z.coerce.number().int().min(0).default(64 * 1024 * 1024),
      /** An OpenAI-compatible endpoint asked about low-confidence transactions; unset = off. */
      EXTERNAL_MODEL_URL: z.url().optional(),
      EXTERNAL_MODEL_API_KEY: z.string().min(1).optional(),
      EXTERNAL_MODEL_NAME: z.string().min(1).default('gpt-4o-mini'),
      EXTERNAL_MODEL_TIMEOUT_MS: z.coerce.number().int().positive().default(3000),
      EXTERNAL_MODEL_MAX_CALLS_PER_HOUR: z.coerce.number().int().min(0).default(100),
    },
    env,
  );

export type AiConfig = ReturnType<typeof loadConfig>;
