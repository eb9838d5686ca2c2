import { z } from 'zod';

/**
 * Every job of Centavo: its queue, name and payload schema, shared by the code that
 * enqueues and the worker that processes it (one definition, no drift).
 */
export interface JobDefinition<S extends z.ZodType> {
  queue: string;
  name: string;
  schema: S;
}

export const defineJob = <S extends z.ZodType>(def: JobDefinition<S>): JobDefinition<S> => def;
export type JobPayload<D> = D extends JobDefinition<infer S> ? z.infer<S> : never;

const uuid = z.uuid();
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/** One part of a split transaction: counted in its own category instead of the row. */
export const splitPartSnapshot = z.object({
  id: uuid,
  /** Signed integer minor units of the row's currency, as a string; the parts sum to the row's amount. */
  amountMinor: z.string().regex(/^-?\d+$/),
  categoryId: uuid,
  /** The part's own tags (the row's tags apply to every part too). */
  tags: z.array(z.string()),
});
export type SplitPartSnapshot = z.infer<typeof splitPartSnapshot>;

/** A transaction as other domains see it after a change: the full current state. */
export const transactionSnapshot = z.object({
  id: uuid,
  userId: uuid,
  accountId: uuid,
  /** Increases with every change of the row: consumers apply a version once, and never an older one. */
  version: z.number().int().positive(),
  deleted: z.boolean(),
  /** Signed integer minor units, as a string (bigint). Negative = money out. */
  amountMinor: z.string().regex(/^-?\d+$/),
  currency: z.string().length(3),
  date: isoDate,
  description: z.string(),
  merchant: z.string().nullable(),
  categoryId: uuid.nullable(),
  categorySource: z.enum(['USER', 'RULE', 'AI']).nullable(),
  /** The other leg when this is a transfer between the user's own accounts. */
  transferPeerId: uuid.nullable(),
  /** The row's own tags, normalized. Absent in events written before tags existed: none. */
  tags: z.array(z.string()).optional(),
  /** The parts of a split row; null or absent when the row is not split. */
  splits: z.array(splitPartSnapshot).nullable().optional(),
});
export type TransactionSnapshot = z.infer<typeof transactionSnapshot>;

export const TRANSACTION_EVENT_TYPES = [
  'transaction.created',
  'transaction.updated',
  'transaction.deleted',
  'transaction.categorized',
] as const;

export const transactionEvent = z.object({
  eventId: uuid,
  type: z.enum(TRANSACTION_EVENT_TYPES),
  occurredAt: z.string(),
  /** The request that caused it, so logs of the job join the request's. */
  requestId: z.string().optional(),
  transaction: transactionSnapshot,
});
export type TransactionEvent = z.infer<typeof transactionEvent>;

/**
 * Many rows' changes in one outbox event, so bulk writes cost one event per batch, not per row:
 * - `transactions.imported`: the rows one import batch created (each as `transaction.created`);
 * - `transactions.categorized`: the categorizer's decisions for import rows applied in one batch
 *   (each as `transaction.categorized`).
 * Consumers apply it as its rows' events in order. Live clients hear one `importProgress` of the
 * import per event, or one `transactionCategorized` per row when the import asked for
 * `notifyEachRow`.
 */
export const transactionsBulkEvent = z.object({
  eventId: uuid,
  type: z.enum(['transactions.imported', 'transactions.categorized']),
  occurredAt: z.string(),
  requestId: z.string().optional(),
  userId: uuid,
  importId: uuid,
  notifyEachRow: z.boolean(),
  transactions: z.array(transactionSnapshot).min(1),
});
export type TransactionsBulkEvent = z.infer<typeof transactionsBulkEvent>;

/** Every event of the transactions outbox. */
export const transactionsOutboxEvent = z.union([transactionEvent, transactionsBulkEvent]);
export type TransactionsOutboxEvent = z.infer<typeof transactionsOutboxEvent>;

/** The user of an outbox event. */
export const userOfEvent = (event: TransactionsOutboxEvent): string => ('transaction' in event ? event.transaction.userId : event.userId);

/** How many rows an outbox event carries. */
export const rowsOfEvent = (event: TransactionsOutboxEvent): number => ('transaction' in event ? 1 : event.transactions.length);

/** An outbox event as the per-row events consumers apply, in order. */
export function rowEvents(event: TransactionsOutboxEvent): TransactionEvent[] {
  if ('transaction' in event) return [event];
  const type = event.type === 'transactions.imported' ? 'transaction.created' : 'transaction.categorized';
  const { eventId, occurredAt, requestId } = event;
  return event.transactions.map((transaction) => ({ eventId, type, occurredAt, ...(requestId ? { requestId } : {}), transaction }));
}

/**
 * What the outbox relay sends a consumer of transaction events: one user's events of one relay
 * pass, in outbox order (packages/outbox/src/relay.ts, grouped consumers). The job id hashes the
 * event ids; consumers apply each transaction version once, so a batch seen twice changes nothing.
 */
export const transactionEventBatch = z.object({
  userId: uuid,
  events: z.array(transactionsOutboxEvent).min(1),
});
export type TransactionEventBatch = z.infer<typeof transactionEventBatch>;

/** transactions → budget: keep the spending aggregates in step with every transaction change. */
export const budgetTransactionBatch = defineJob({
  queue: 'budget-events',
  name: 'transaction-batch',
  schema: transactionEventBatch,
});

/** transactions → ai: categorize new or re-described transactions, learn from corrections. */
export const aiTransactionBatch = defineJob({
  queue: 'ai-events',
  name: 'transaction-batch',
  schema: transactionEventBatch,
});

/** The categorizer's decision about one version of a transaction. */
export const categorizationDecision = z.object({
  /** `<transactionId>-v<version>`: one decision per version of a transaction. */
  decisionId: z.string(),
  transactionId: uuid,
  basedOnVersion: z.number().int().positive(),
  categoryId: uuid,
  source: z.enum(['RULE', 'AI']),
  /** The normalized merchant found in the description. */
  merchant: z.string().nullable(),
  /** Tags the matching rule adds (normalized when the rule was stored). */
  addTags: z.array(z.string().min(1).max(40)).max(20).optional(),
});
export type CategorizationDecision = z.infer<typeof categorizationDecision>;

/**
 * ai → transactions: the decisions of one batch of a user's transaction events, each applied only
 * to the version it was made for. The job id hashes the decision ids, so a retried ai job sends
 * the same job once.
 */
export const applyCategorization = defineJob({
  queue: 'transactions-commands',
  name: 'apply-categorizations',
  schema: z.object({
    userId: uuid,
    decisions: z.array(categorizationDecision).min(1),
    requestId: z.string().optional(),
    /** Decisions about an import's rows: their events are written as one transactions.categorized. */
    import: z.object({ importId: uuid, notifyEachRow: z.boolean() }).optional(),
  }),
});

/**
 * transactions → transactions worker: run one statement import. The job id is the import's id;
 * the file and the progress live in the database (import_jobs), so a retry resumes after the
 * last committed batch. A queue of its own, so imports never wait behind (or delay) the
 * categorizer's decisions.
 */
export const runImport = defineJob({
  queue: 'transactions-imports',
  name: 'run-import',
  schema: z.object({
    importId: uuid,
    userId: uuid,
    requestId: z.string().optional(),
  }),
});

/** transactions → its webhook fan-out: record a delivery per event and subscribed endpoint. */
export const webhookTransactionBatch = defineJob({
  queue: 'transactions-webhooks',
  name: 'transaction-batch',
  schema: transactionEventBatch,
});

/** Every consumer of transaction events, each on its own queue, taking them in per-user batches. */
export const TRANSACTION_EVENT_CONSUMERS = [budgetTransactionBatch, aiTransactionBatch, webhookTransactionBatch] as const;

/** An alert as webhook receivers see it (budget → transactions' webhooks). */
export const alertSnapshot = z.object({
  id: uuid,
  type: z.string().max(60),
  severity: z.string().max(20),
  message: z.string().max(2000),
  transactionId: uuid.nullable(),
  budgetId: uuid.nullable(),
  month: z.string().nullable(),
  createdAt: z.string(),
});
export type AlertSnapshot = z.infer<typeof alertSnapshot>;

/**
 * Another domain's (or the import runner's) event for the user's webhook endpoints. The job id is
 * `<type>-<subject id>`, so an event raised twice (a replayed job) is recorded once.
 */
export const webhookEvent = defineJob({
  queue: 'transactions-webhook-events',
  name: 'webhook-event',
  schema: z.discriminatedUnion('type', [
    z.object({ type: z.literal('alert.raised'), eventId: uuid, userId: uuid, occurredAt: z.string(), alert: alertSnapshot }),
    z.object({ type: z.literal('import.finished'), eventId: uuid, userId: uuid, occurredAt: z.string(), importId: uuid }),
  ]),
});
export type WebhookEventPayload = JobPayload<typeof webhookEvent>;

/**
 * Send one endpoint's due deliveries (rows in webhook_deliveries). The job id is the endpoint's,
 * so one endpoint, however slow, holds one worker slot and never delays other users' endpoints.
 */
export const webhookDrain = defineJob({
  queue: 'transactions-webhook-deliveries',
  name: 'drain-endpoint',
  schema: z.object({ endpointId: uuid, userId: uuid }),
});

/**
 * transactions → budget: a webhook endpoint was disabled after failing delivery after delivery;
 * the budget domain raises the user's WEBHOOK_DISABLED alert (alertRaised, email, their other
 * webhooks). The job id is `webhook-disabled-<endpoint>-<disabledAt ms>`: one alert per disabling.
 */
export const webhookDisabledNotice = defineJob({
  queue: 'budget-notices',
  name: 'webhook-disabled',
  schema: z.object({
    userId: uuid,
    endpointId: uuid,
    url: z.string().max(2100),
    reason: z.string().max(500).nullable(),
    disabledAt: z.string().datetime(),
  }),
});
export type WebhookDisabledNotice = JobPayload<typeof webhookDisabledNotice>;

/** ai: retrain the global model from the data set and users' corrections (scheduled, and after enough corrections). */
export const retrainModel = defineJob({
  queue: 'ai-maintenance',
  name: 'retrain-model',
  schema: z.object({ reason: z.string().max(200) }),
});

/**
 * budget → transactions, ai: a category the user created. The budget domain writes it to its
 * outbox in the transaction that creates the category; each consumer keeps a small read model
 * (id, user, slug, kind) so it can check a category id without calling the budget domain.
 * Default categories need no event: their ids are `defaultCategoryId(user, slug)` everywhere.
 * Categories are never deleted or re-kinded, so applying an event twice is harmless.
 */
export const categoryEvent = z.object({
  eventId: uuid,
  type: z.enum(['category.created']),
  occurredAt: z.string(),
  requestId: z.string().optional(),
  category: z.object({
    id: uuid,
    userId: uuid,
    slug: z.string().min(1).max(80),
    kind: z.enum(['EXPENSE', 'INCOME', 'TRANSFER']),
  }),
});
export type CategoryEvent = z.infer<typeof categoryEvent>;

/** budget → transactions: keep the transactions domain's category read model in step. */
export const transactionsCategoryChanged = defineJob({
  queue: 'transactions-categories',
  name: 'category-changed',
  schema: categoryEvent,
});

/** budget → ai: keep the ai domain's category read model in step. */
export const aiCategoryChanged = defineJob({
  queue: 'ai-categories',
  name: 'category-changed',
  schema: categoryEvent,
});

/** Every consumer of category events, each on its own queue. */
export const CATEGORY_EVENT_CONSUMERS = [transactionsCategoryChanged, aiCategoryChanged] as const;

/**
 * budget worker: send one email of the alert-email channel. `alert`: one alert_emails row (an
 * IMMEDIATE alert); `digest`: one email_digests row (the day's DIGEST alerts of a user). The job
 * id is the row's id and the row's sent_at is the marker: a retry after a success sends nothing.
 */
export const sendAlertEmail = defineJob({
  queue: 'budget-emails',
  name: 'send-email',
  schema: z.object({
    kind: z.enum(['alert', 'digest']),
    id: uuid,
    userId: uuid,
  }),
});
