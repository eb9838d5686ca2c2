import { Redis } from 'ioredis';
import { connectionErrorLogger, type Logger } from '@centavo/logger';
import { userChannel, userEvent, type PubSubConfig, type UserEvent } from './events.js';

export interface Publisher {
  /** Tells the user's live subscribers that an object changed; throws on a malformed event. */
  publish(userId: string, event: Omit<UserEvent, 'userId'>): Promise<void>;
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
      await redis.publish(userChannel(config.REDIS_PREFIX, userId), JSON.stringify(message));
    },
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
