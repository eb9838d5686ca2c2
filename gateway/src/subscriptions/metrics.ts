/**
 * Process-wide counters of the subscription server, like a metrics registry: read by logs,
 * health output and tests (a test proves shared refetches with them).
 */
export const subscriptionMetrics = {
  /** Refetches actually executed through the gateway. */
  refetches: 0,
  /** Refetches that joined an identical one in flight instead of running. */
  sharedRefetches: 0,
  /** Events dropped because a subscription's queue was full. */
  droppedEvents: 0,
  /** Subscriptions currently listening. */
  activeSubscriptions: 0,
};
