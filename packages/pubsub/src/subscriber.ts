import { Redis } from 'ioredis';
import { connectionErrorLogger, type Logger } from '@centavo/logger';
import { userChannel, userEvent, type PubSubConfig, type UserEvent } from './events.js';

/**
 * Called for every event on the user's channel. `messageId` is the same for every listener
 * of one Redis message in this process, so listeners can share work done for that message.
 */
export type EventListener = (event: Readonly<UserEvent>, messageId: number) => void;

export interface Subscriber {
  /**
   * Listens to one user's channel. Resolves once Redis confirmed the subscription; the
   * returned function stops listening (idempotent), unsubscribing the channel with its last listener.
   */
  subscribe(userId: string, listener: EventListener): Promise<() => Promise<void>>;
  /** Channels this process listens to (for metrics and tests). */
  channelCount(): number;
  close(): Promise<void>;
}

interface Channel {
  listeners: Set<EventListener>;
  ready: Promise<void>;
}

/**
 * The gateway's side: one Redis connection per process whatever the number of sockets,
 * reference-counted per user channel. Redis delivers each message to every process.
 */
export function createSubscriber(config: PubSubConfig, logger?: Logger): Subscriber {
  const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 2 });
  redis.on('error', logger ? connectionErrorLogger(logger, 'redis subscriber') : () => undefined);
  const channels = new Map<string, Channel>();
  let messages = 0;

  redis.on('message', (channel: string, raw: string) => {
    const entry = channels.get(channel);
    if (!entry) return;
    let event: UserEvent;
    try {
      event = userEvent.parse(JSON.parse(raw));
    } catch (err) {
      logger?.warn({ err, channel }, 'malformed event dropped');
      return;
    }
    // A message naming another user than its channel is a publisher bug: never deliver it.
    if (userChannel(config.REDIS_PREFIX, event.userId) !== channel) {
      logger?.error({ channel }, 'event for another user dropped');
      return;
    }
    const messageId = ++messages;
    const frozen = Object.freeze(event);
    for (const listener of [...entry.listeners]) {
      try {
        listener(frozen, messageId);
      } catch (err) {
        logger?.error({ err, channel }, 'event listener failed');
      }
    }
  });

  const release = async (channel: string, entry: Channel, listener: EventListener) => {
    entry.listeners.delete(listener);
    if (entry.listeners.size > 0 || channels.get(channel) !== entry) return;
    channels.delete(channel);
    // Commands run in order on the connection, so a later SUBSCRIBE of this channel wins.
    await redis.unsubscribe(channel).catch((err: unknown) => logger?.warn({ err, channel }, 'unsubscribe failed'));
  };

  return {
    async subscribe(userId, listener) {
      const channel = userChannel(config.REDIS_PREFIX, userId);
      let entry = channels.get(channel);
      if (!entry) {
        const created: Channel = { listeners: new Set(), ready: Promise.resolve() };
        created.ready = redis.subscribe(channel).then(
          () => undefined,
          (err: unknown) => {
            if (channels.get(channel) === created) channels.delete(channel);
            throw err;
          },
        );
        channels.set(channel, created);
        entry = created;
      }
      const joined = entry;
      joined.listeners.add(listener);
      try {
        await joined.ready;
      } catch (err) {
        joined.listeners.delete(listener);
        throw err;
      }
      let active = true;
      return async () => {
        if (!active) return;
        active = false;
        await release(channel, joined, listener);
      };
    },
    channelCount: () => channels.size,
    async close() {
      channels.clear();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
