import { registerCollectedCounters } from '@centavo/metrics';

/**
 * Process-wide counters of the subscription server, like a metrics registry: read by logs,
 * health output and tests (a test proves batched and shared refetches with them).
 */
export const subscriptionMetrics = {
  /** Refetch queries actually executed through the gateway (one per batch of objects). */
  refetches: 0,
  /** Objects those queries loaded (refetchedObjects / refetches = the average batch). */
  refetchedObjects: 0,
  /** Refetches of an object that joined one already waiting in the same batch instead of adding it. */
  sharedRefetches: 0,
  /** Events merged into one still waiting for the same object (the subscriber gets its newest state once). */
  mergedEvents: 0,
  /** Events dropped because a subscription's queue was full (the subscriber is told: EVENTS_DROPPED). */
  droppedEvents: 0,
  /** EVENTS_DROPPED payloads sent. */
  dropNotices: 0,
  /** Events of a shared account skipped because the member can no longer read the object (revoked). */
  skippedSharedEvents: 0,
  /** Subscriptions currently listening. */
  activeSubscriptions: 0,
};

// At /metrics as subscription_events_total{kind="refetches"} ... (the live count is not a counter).
registerCollectedCounters(
  'subscription_events_total',
  'Subscription delivery: refetch queries, objects they loaded, shared and merged refetches, dropped events and EVENTS_DROPPED notices',
  'kind',
  () => {
    const { activeSubscriptions: _live, ...counters } = subscriptionMetrics;
    return counters;
  },
);
