import type { FormattedExecutionResult } from 'graphql';
import type { WebSocket } from 'ws';
import type { AuthUser } from '@centavo/auth-tokens';
import type { Logger } from '@centavo/logger';
import type { Subscriber, UserEvent } from '@centavo/pubsub';
import { openEventStream, type EventStream } from './event-stream.js';
import { subscriptionMetrics } from './metrics.js';
import type { RefetchPlan } from './refetch-plan.js';
import type { RunRefetch } from './refetch-batcher.js';

/** Close code for a missing, invalid, revoked or expired token; graphql-ws clients do not retry it. */
export const UNAUTHORIZED_CLOSE = 4401;

/** One authenticated socket: the token it connected with is the one every refetch uses. */
export interface Session {
  user: AuthUser;
  token: string;
  socket: WebSocket;
  logger: Logger;
  expiryTimer?: NodeJS.Timeout;
}

/** The contextValue of one subscription operation. */
export interface OperationContext {
  session: Session;
  plan: RefetchPlan;
}


export const INTERNAL_ERROR_RESULT: FormattedExecutionResult = {
  data: null,
  errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }],
};

/** The code of the payload that replaces events a subscription fell too far behind to receive. */
export const EVENTS_DROPPED = 'EVENTS_DROPPED';

export interface StreamDeps {
  subscriber: Subscriber;
  refetch: RunRefetch;
  queueLimit: number;
  windowMs: number;
}

/**
 * What a subscription receives in place of events it fell too far behind to receive (a slow
 * socket, a burst beyond SUBSCRIPTION_QUEUE_LIMIT): a `next` payload whose error says how many
 * and of which field, so that the client refetches what it shows instead of missing changes.
 */
export function eventsDroppedResult(field: string, dropped: number): FormattedExecutionResult {
  return {
    data: null,
    errors: [
      {
        message: `${dropped} ${field} event${dropped === 1 ? ' was' : 's were'} not delivered because this subscription fell behind; refetch the data it shows`,
        extensions: { code: EVENTS_DROPPED, dropped, subscription: field },
      },
    ],
  };
}

/**
 * The results of one subscription: its user's matching events, refetched by id in batches
 * (everything that waits for this subscription, with every other subscription of the same
 * token and selection), with EVENTS_DROPPED in place of what it fell too far behind to receive.
 */
export function openOperationStream(deps: StreamDeps, { session, plan }: OperationContext): Promise<EventStream<FormattedExecutionResult>> {
  return openEventStream<Readonly<UserEvent>, FormattedExecutionResult>({
    limit: deps.queueLimit,
    // One refetch query's worth: more would only wait behind it.
    batchSize: plan.maxBatch,
    windowMs: deps.windowMs,
    key: (event) => event.id,
    async listen(push) {
      const stop = await deps.subscriber.subscribe(session.user.id, (event) => {
        if (accepts(plan, event)) push(event);
      });
      subscriptionMetrics.activeSubscriptions++;
      return async () => {
        subscriptionMetrics.activeSubscriptions--;
        await stop();
      };
    },
    load: (event) => deliver(deps, session, plan, event),
    dropped(count) {
      subscriptionMetrics.dropNotices++;
      session.logger.warn({ field: plan.field.name, dropped: count }, 'subscription fell behind: told the client how many events it missed');
      return eventsDroppedResult(plan.field.name, count);
    },
    onDrop() {
      subscriptionMetrics.droppedEvents++;
    },
    onMerge() {
      subscriptionMetrics.mergedEvents++;
    },
  });
}

function accepts(plan: RefetchPlan, event: Readonly<UserEvent>): boolean {
  return (
    event.field === plan.field.name &&
    event.__typename === plan.field.typename &&
    (plan.filterId === undefined || event.id === plan.filterId)
  );
}

async function deliver(
  deps: StreamDeps,
  session: Session,
  plan: RefetchPlan,
  event: Readonly<UserEvent>,
): Promise<FormattedExecutionResult | undefined | null> {
  try {
    const outcome = await deps.refetch({ token: session.token, plan, id: event.id });
    if (outcome.kind === 'unauthenticated') {
      // As an HTTP request with this token would get 401: the client reconnects with a fresh token.
      session.logger.info({ reason: outcome.reason }, 'token no longer valid: closing subscription socket');
      session.socket.close(UNAUTHORIZED_CLOSE, outcome.reason);
      return undefined;
    }
    const result = nonNullRoot(outcome.result, plan.responseKey);
    // A shared account's row this member can no longer read (revoked since the event): not theirs to hear of.
    if (event.shared && isNotFound(result)) {
      subscriptionMetrics.skippedSharedEvents++;
      return null;
    }
    return result;
  } catch (err) {
    session.logger.error({ err, field: plan.field.name }, 'subscription refetch failed');
    return INTERNAL_ERROR_RESULT;
  }
}

/** No object, and only because it is not found for this user. */
function isNotFound(result: FormattedExecutionResult): boolean {
  return result.data === null && (result.errors?.length ?? 0) > 0 && result.errors!.every((e) => e.extensions?.code === 'NOT_FOUND');
}

/** The subscription field is non-null: a null object (NOT_FOUND, ...) nulls `data`, as graphql-js would. */
function nonNullRoot(result: FormattedExecutionResult, responseKey: string): FormattedExecutionResult {
  const value = result.data?.[responseKey];
  if (!result.data || (value !== null && value !== undefined)) return result;
  return { ...result, data: null };
}
