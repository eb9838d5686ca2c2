import type { FormattedExecutionResult } from 'graphql';
import type { WebSocket } from 'ws';
import type { AuthUser } from '@centavo/auth-tokens';
import type { Logger } from '@centavo/logger';
import type { Subscriber, UserEvent } from '@centavo/pubsub';
import { openEventStream, type EventStream } from './event-stream.js';
import { subscriptionMetrics } from './metrics.js';
import type { RefetchPlan } from './refetch-plan.js';
import type { RunRefetch } from './shared-refetch.js';

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

interface Received {
  event: Readonly<UserEvent>;
  messageId: number;
}

export const INTERNAL_ERROR_RESULT: FormattedExecutionResult = {
  data: null,
  errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }],
};

export interface StreamDeps {
  subscriber: Subscriber;
  refetch: RunRefetch;
  queueLimit: number;
}

/** The results of one subscription: its user's matching events, each refetched by id. */
export function openOperationStream(deps: StreamDeps, { session, plan }: OperationContext): Promise<EventStream<FormattedExecutionResult>> {
  return openEventStream<Received, FormattedExecutionResult>({
    limit: deps.queueLimit,
    async listen(push) {
      const stop = await deps.subscriber.subscribe(session.user.id, (event, messageId) => {
        if (accepts(plan, event)) push({ event, messageId });
      });
      subscriptionMetrics.activeSubscriptions++;
      return async () => {
        subscriptionMetrics.activeSubscriptions--;
        await stop();
      };
    },
    load: (received) => deliver(deps, session, plan, received),
    onDrop({ event }) {
      subscriptionMetrics.droppedEvents++;
      session.logger.warn({ field: plan.field.name, id: event.id }, 'subscription queue full: oldest event dropped');
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
  { event, messageId }: Received,
): Promise<FormattedExecutionResult | undefined> {
  try {
    const outcome = await deps.refetch({
      token: session.token,
      query: plan.query,
      variables: { ...plan.variables, [plan.idVariable]: event.id },
      messageId,
    });
    if (outcome.kind === 'unauthenticated') {
      // As an HTTP request with this token would get 401: the client reconnects with a fresh token.
      session.logger.info({ reason: outcome.reason }, 'token no longer valid: closing subscription socket');
      session.socket.close(UNAUTHORIZED_CLOSE, outcome.reason);
      return undefined;
    }
    return nonNullRoot(outcome.result, plan.responseKey);
  } catch (err) {
    session.logger.error({ err, field: plan.field.name }, 'subscription refetch failed');
    return INTERNAL_ERROR_RESULT;
  }
}

/** The subscription field is non-null: a null object (NOT_FOUND, ...) nulls `data`, as graphql-js would. */
function nonNullRoot(result: FormattedExecutionResult, responseKey: string): FormattedExecutionResult {
  const value = result.data?.[responseKey];
  if (!result.data || (value !== null && value !== undefined)) return result;
  return { ...result, data: null };
}
