import type { FormattedExecutionResult, GraphQLFormattedError } from 'graphql';
import { subscriptionMetrics } from './metrics.js';
import type { BatchQuery, RefetchPlan } from './refetch-plan.js';

/** One event's refetch: the object `id` with the plan's selection, as the token's user sees it. */
export interface RefetchRequest {
  token: string;
  plan: RefetchPlan;
  id: string;
}

export type RefetchOutcome =
  | { kind: 'result'; result: FormattedExecutionResult }
  /** The token stopped being valid (logout, expiry) since the socket connected. */
  | { kind: 'unauthenticated'; reason: string };

export type RunRefetch = (request: RefetchRequest) => Promise<RefetchOutcome>;

/** One query through the gateway with the caller's token: auth and masking of an HTTP request. */
export type RunQuery = (request: { token: string; query: string; variables: Record<string, unknown> }) => Promise<RefetchOutcome>;

interface Waiter {
  resolve(outcome: RefetchOutcome): void;
  reject(error: unknown): void;
}

interface Batch {
  token: string;
  plan: RefetchPlan;
  /** The ids to load, in order, with everyone waiting for each. */
  ids: Map<string, Waiter[]>;
}

/** The refetches of one token and one selection: at most one query in flight, the rest waiting. */
interface Group {
  waiting: Batch[];
  running: boolean;
  scheduled: boolean;
}

/**
 * Turns the refetches of one token and one selection (every subscription of that socket, or of
 * the user's tabs with the same token and query) into one query for many ids. Requests made in
 * the same turn of the event loop, and those made while that group's query is in flight, go
 * into the next query, up to the plan's `maxBatch` ids each. A query only answers requests made before it
 * started, so an event never gets an object read before its change was committed. The token is
 * part of the group: users never share a query or an answer.
 */
export function batchRefetches(run: RunQuery): RunRefetch {
  const groups = new Map<string, Group>();

  const start = (key: string, group: Group) => {
    group.scheduled = false;
    const batch = group.waiting.shift();
    if (!batch) {
      groups.delete(key);
      return;
    }
    group.running = true;
    void execute(run, batch).finally(() => {
      group.running = false;
      // Whoever waited behind this query has waited long enough: no new window.
      start(key, group);
    });
  };

  return (request) =>
    new Promise<RefetchOutcome>((resolve, reject) => {
      const key = JSON.stringify([request.token, request.plan.query, request.plan.variables]);
      let group = groups.get(key);
      if (!group) {
        group = { waiting: [], running: false, scheduled: false };
        groups.set(key, group);
      }
      let batch = group.waiting.at(-1);
      if (!batch || (batch.ids.size >= request.plan.maxBatch && !batch.ids.has(request.id))) {
        batch = { token: request.token, plan: request.plan, ids: new Map() };
        group.waiting.push(batch);
      }
      const waiters = batch.ids.get(request.id);
      if (waiters) {
        subscriptionMetrics.sharedRefetches++;
        waiters.push({ resolve, reject });
      } else {
        batch.ids.set(request.id, [{ resolve, reject }]);
      }
      if (group.running || group.scheduled) return;
      group.scheduled = true;
      const ready = group;
      setImmediate(() => start(key, ready));
    });
}

async function execute(run: RunQuery, { token, plan, ids }: Batch): Promise<void> {
  const order = [...ids.keys()];
  subscriptionMetrics.refetches++;
  subscriptionMetrics.refetchedObjects += order.length;
  try {
    if (order.length === 1) {
      // One object: exactly the query an HTTP client would send for it.
      const outcome = await run({ token, query: plan.query, variables: { ...plan.variables, [plan.idVariable]: order[0] } });
      settle(ids.get(order[0]!)!, outcome);
      return;
    }
    const batch = plan.batchQuery(order.length);
    const variables = { ...plan.variables, ...Object.fromEntries(batch.idVariables.map((name, i) => [name, order[i]])) };
    const outcome = await run({ token, query: batch.query, variables });
    order.forEach((id, i) => {
      const own: RefetchOutcome = outcome.kind === 'result' ? { kind: 'result', result: resultOf(outcome.result, batch, i, plan.responseKey) } : outcome;
      settle(ids.get(id)!, own);
    });
  } catch (error) {
    for (const waiters of ids.values()) for (const waiter of waiters) waiter.reject(error);
  }
}

function settle(waiters: Waiter[], outcome: RefetchOutcome): void {
  for (const waiter of waiters) waiter.resolve(outcome);
}

/**
 * The i-th object's part of a batch result, shaped as the one-object query's result: its data
 * under the client's response key, its own errors (path rewritten) and the errors of no object.
 * Locations are left out: they point into a query the client never sent.
 */
export function resultOf(result: FormattedExecutionResult, batch: BatchQuery, index: number, responseKey: string): FormattedExecutionResult {
  const alias = batch.aliases[index]!;
  const others = new Set(batch.aliases);
  const errors: GraphQLFormattedError[] = [];
  for (const error of result.errors ?? []) {
    const head = error.path?.[0];
    const { locations: _locations, ...rest } = error;
    if (head === alias) errors.push({ ...rest, path: [responseKey, ...error.path!.slice(1)] });
    else if (typeof head !== 'string' || !others.has(head)) errors.push(rest);
  }
  const data = result.data ? { [responseKey]: result.data[alias] ?? null } : result.data;
  return errors.length > 0 ? { errors, data } : { data };
}
