import { Redis } from 'ioredis';
import { connectionErrorLogger, type Logger } from '@centavo/logger';
import { userChannel, userEvent, type PubSubConfig, type UserEvent } from './events.js';
import { BUMP_AND_PUBLISH_SCRIPT, bumpGenerations, generationKey, GENERATION_TTL_MS } from './generations.js';

export interface Publisher {
  /**
   * Tells the user's live subscribers that an object changed; throws on a malformed event. The
   * user's cached responses are invalidated first, in the same round trip: whoever hears the
   * event and reads again reads the change.
   */
  publish(userId: string, event: Omit<UserEvent, 'userId'>): Promise<void>;
  /** Invalidates the users' cached responses after a change nobody is told of (packages/pubsub/src/generations.ts). */
  invalidate(userIds: Iterable<string>): Promise<void>;
  /** How many connections (gateway processes) listen to the user's channel right now. */
  subscriberCount(userId: string): Promise<number>;
  close(): Promise<void>;
}

/** The side the domains' workers use. Nobody listening is fine: events are not stored. */
export function createPublisher(config: PubSubConfig, logger?: Logger): Publisher {
  const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 2, lazyConnect: true });
  // Without a logger (scripts, tests) errors still reach the caller through publish().
  redis.on('error', logger ? connectionErrorLogger(logger, 'redis publisher') : () => undefined);
  return {
    async publish(userId, event) {
      const message = userEvent.parse({ ...event, userId });
      const channel = userChannel(config.REDIS_PREFIX, userId);
      await redis.eval(BUMP_AND_PUBLISH_SCRIPT, 1, generationKey(config.REDIS_PREFIX, userId), GENERATION_TTL_MS, channel, JSON.stringify(message));
    },
    invalidate: (userIds) => bumpGenerations(redis, config.REDIS_PREFIX, userIds),
    async subscriberCount(userId) {
      const channel = userChannel(config.REDIS_PREFIX, userId);
      const reply = (await redis.pubsub('NUMSUB', channel)) as [string, number];
      return Number(reply[1] ?? 0);
    },
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
