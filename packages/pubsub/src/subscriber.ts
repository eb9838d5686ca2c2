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

/** The process's one subscriber connection and the channels it listens to. */
interface Connection {
  redis: Redis;
  channels: Map<string, Channel>;
  logger?: Logger;
}

/**
 * The gateway's side: one Redis connection per process whatever the number of sockets,
 * reference-counted per user channel. Redis delivers each message to every process.
 */
export function createSubscriber(config: PubSubConfig, logger?: Logger): Subscriber {
  const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 2 });
  redis.on('error', logger ? connectionErrorLogger(logger, 'redis subscriber') : () => undefined);
  const connection: Connection = { redis, channels: new Map(), logger };
  let messages = 0;

  redis.on('message', (channel: string, raw: string) => {
    const entry = connection.channels.get(channel);
    if (!entry) return;
    const event = parseEvent(config, channel, raw, logger);
    if (event) deliver(entry, Object.freeze(event), ++messages, channel, logger);
  });

  return {
    async subscribe(userId, listener) {
      const channel = userChannel(config.REDIS_PREFIX, userId);
      const entry = connection.channels.get(channel) ?? openChannel(connection, channel);
      entry.listeners.add(listener);
      try {
        await entry.ready;
      } catch (err) {
        entry.listeners.delete(listener);
        throw err;
      }
      let active = true;
      return async () => {
        if (!active) return;
        active = false;
        await release(connection, channel, entry, listener);
      };
    },
    channelCount: () => connection.channels.size,
    async close() {
      connection.channels.clear();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

/** The message's event, or undefined (logged) when it is malformed or names another user. */
function parseEvent(config: PubSubConfig, channel: string, raw: string, logger?: Logger): UserEvent | undefined {
  let event: UserEvent;
  try {
    event = userEvent.parse(JSON.parse(raw));
  } catch (err) {
    logger?.warn({ err, channel }, 'malformed event dropped');
    return undefined;
  }
  // A message naming another user than its channel is a publisher bug: never deliver it.
  if (userChannel(config.REDIS_PREFIX, event.userId) !== channel) {
    logger?.error({ channel }, 'event for another user dropped');
    return undefined;
  }
  return event;
}

function deliver(entry: Channel, event: Readonly<UserEvent>, messageId: number, channel: string, logger?: Logger): void {
  for (const listener of [...entry.listeners]) {
    try {
      listener(event, messageId);
    } catch (err) {
      logger?.error({ err, channel }, 'event listener failed');
    }
  }
}

/** Subscribes the channel; a failed SUBSCRIBE forgets it, so the next listener tries again. */
function openChannel({ redis, channels }: Connection, channel: string): Channel {
  const created: Channel = { listeners: new Set(), ready: Promise.resolve() };
  created.ready = redis.subscribe(channel).then(
    () => undefined,
    (err: unknown) => {
      if (channels.get(channel) === created) channels.delete(channel);
      throw err;
    },
  );
  channels.set(channel, created);
  return created;
}

async function release({ redis, channels, logger }: Connection, channel: string, entry: Channel, listener: EventListener): Promise<void> {
  entry.listeners.delete(listener);
  if (entry.listeners.size > 0 || channels.get(channel) !== entry) return;
  channels.delete(channel);
  // Commands run in order on the connection, so a later SUBSCRIBE of this channel wins.
  await redis.unsubscribe(channel).catch((err: unknown) => logger?.warn({ err, channel }, 'unsubscribe failed'));
}
