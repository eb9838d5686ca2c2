import { z } from 'zod';

/** Each subscription field of the contract and the type of the object it delivers. */
export const EVENT_FIELDS = {
  transactionCategorized: 'Transaction',
  alertRaised: 'Alert',
  budgetUpdated: 'Budget',
  importProgress: 'ImportJob',
} as const;

export type EventField = keyof typeof EVENT_FIELDS;
export type EventTypename = (typeof EVENT_FIELDS)[EventField];

/**
 * What travels on a user's channel: which object changed, never its data. Subscribers
 * refetch the object with the subscriber's own token, so auth and masking stay in one place.
 */
export interface UserEvent {
  userId: string;
  __typename: EventTypename;
  id: string;
  field: EventField;
  /**
   * Sent to a member of a shared account, not to the object's owner: a refetch that finds the
   * object gone for this user (the share was revoked since) is skipped, not delivered as NOT_FOUND.
   */
  shared?: boolean;
}

const fields = Object.keys(EVENT_FIELDS) as [EventField, ...EventField[]];
const typenames = Object.values(EVENT_FIELDS) as [EventTypename, ...EventTypename[]];

/** Parses an event; unknown keys are dropped so no payload data can ride along. */
export const userEvent = z
  .object({
    userId: z.string().min(1).max(200),
    __typename: z.enum(typenames),
    id: z.string().min(1).max(200),
    field: z.enum(fields),
    shared: z.literal(true).optional(),
  })
  .refine((e) => EVENT_FIELDS[e.field] === e.__typename, {
    message: 'field and __typename do not match',
    path: ['field'],
  });

/** The Redis channel of one user's events; REDIS_PREFIX keeps installations apart. */
export const userChannel = (prefix: string, userId: string): string => `${prefix}user:${userId}`;

export interface PubSubConfig {
  REDIS_URL: string;
  REDIS_PREFIX: string;
}
