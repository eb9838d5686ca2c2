import type { Logger } from '@centavo/logger';
import pg from 'pg';

/** The channel the outbox_events trigger notifies (prisma/<subgraph>/migrations/*_outbox_notify). */
export const OUTBOX_CHANNEL = 'outbox_events';

export interface OutboxListener {
  /** Resolves once the first LISTEN is in place (or rejects if the first connect fails). */
  ready: Promise<void>;
  close(): Promise<void>;
}

export interface ListenOptions {
  databaseUrl: string;
  /** Called for every notification and after every (re)connect (a sweep for what was missed). */
  onWake: () => void;
  logger: Logger;
  channel?: string;
  /** First reconnect delay; doubles up to 10 s. */
  retryMs?: number;
}

const MAX_RETRY_MS = 10_000;

/**
 * One dedicated connection that LISTENs for outbox writes. PostgreSQL delivers a NOTIFY at the
 * writer's commit to every session listening then, so while connected nothing is missed; a
 * notification sent while the connection is down is lost, which is why every (re)connect wakes
 * the relay once to sweep. Idle, it sends nothing.
 */
export function listenForOutbox(options: ListenOptions): OutboxListener {
  const { logger } = options;
  const channel = options.channel ?? OUTBOX_CHANNEL;
  const retryMs = options.retryMs ?? 250;
  let client: pg.Client | undefined;
  let closed = false;
  let delay = retryMs;
  let timer: NodeJS.Timeout | undefined;
  let settle: { resolve: () => void; reject: (e: unknown) => void } | undefined;
  const ready = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
  // A rejected `ready` nobody awaits must not crash the process: reconnects go on regardless.
  ready.catch(() => undefined);

  const retry = () => {
    if (closed || timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      void connect();
    }, delay);
    delay = Math.min(delay * 2, MAX_RETRY_MS);
  };

  async function connect(): Promise<void> {
    const current = new pg.Client({ connectionString: options.databaseUrl, application_name: 'centavo-outbox-listener' });
    client = current;
    let failed = false;
    const lost = (err?: unknown) => {
      if (failed) return;
      failed = true;
      if (closed) return;
      logger.warn({ err }, 'outbox listener connection lost; reconnecting');
      current.removeAllListeners('notification');
      void current.end().catch(() => undefined);
      retry();
    };
    current.on('error', lost);
    current.on('end', () => lost());
    current.on('notification', (msg) => {
      if (msg.channel === channel) options.onWake();
    });
    try {
      await current.connect();
      await current.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    } catch (err) {
      settle?.reject(err);
      settle = undefined;
      lost(err);
      return;
    }
    if (closed) {
      await current.end().catch(() => undefined);
      return;
    }
    delay = retryMs;
    settle?.resolve();
    settle = undefined;
    // Events committed while no one listened: one sweep.
    options.onWake();
  }

  void connect();
  return {
    ready,
    async close() {
      closed = true;
      clearTimeout(timer);
      await client?.end().catch(() => undefined);
    },
  };
}
