import type { FormattedExecutionResult } from 'graphql';
import { subscriptionMetrics } from './metrics.js';

export interface RefetchRequest {
  token: string;
  query: string;
  variables: Record<string, unknown>;
  /** The Redis message that caused it (same for every subscriber of that message in this process). */
  messageId: number;
}

export type RefetchOutcome =
  | { kind: 'result'; result: FormattedExecutionResult }
  /** The token stopped being valid (logout, expiry) since the socket connected. */
  | { kind: 'unauthenticated'; reason: string };

export type RunRefetch = (request: RefetchRequest) => Promise<RefetchOutcome>;

/**
 * Runs identical refetches in flight once and gives every caller the same outcome: many tabs
 * of one user cost one gateway call per event. The message id is part of the key so that a
 * later event never gets a result fetched before its change was committed.
 */
export function shareRefetches(run: RunRefetch): RunRefetch {
  const inFlight = new Map<string, Promise<RefetchOutcome>>();
  return (request) => {
    const key = JSON.stringify([request.messageId, request.token, request.query, request.variables]);
    const pending = inFlight.get(key);
    if (pending) {
      subscriptionMetrics.sharedRefetches++;
      return pending;
    }
    subscriptionMetrics.refetches++;
    const promise = run(request).finally(() => inFlight.delete(key));
    inFlight.set(key, promise);
    return promise;
  };
}
