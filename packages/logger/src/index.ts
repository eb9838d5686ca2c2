import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

/** Paths that must never reach a log line. */
const REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'authorization',
  'password',
  'accessToken',
  'refreshToken',
  '*.password',
  '*.accessToken',
  '*.refreshToken',
  'variables.input.password',
  'variables.refreshToken',
];

/** One root logger per process; apps derive child loggers carrying `service`, `requestId`. */
export function createLogger(options: { level?: string; name?: string; destination?: DestinationStream } = {}): Logger {
  const opts: LoggerOptions = {
    level: options.level ?? 'info',
    base: options.name ? { service: options.name } : {},
    redact: { paths: REDACT, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return options.destination ? pino(opts, options.destination) : pino(opts);
}

/**
 * An `error` listener for a connection that reconnects by itself (ioredis, BullMQ): the first
 * error of an outage is logged at once, then at most one line per `intervalMs` with a count,
 * so a Redis restart leaves a few clear lines instead of one per reconnect attempt (and no
 * "Unhandled error event" on stderr, which a connection without a listener prints).
 */
export function connectionErrorLogger(logger: Logger, what: string, intervalMs = 10_000): (err: Error) => void {
  let last = 0;
  let suppressed = 0;
  return (err) => {
    const now = Date.now();
    if (now - last < intervalMs) {
      suppressed += 1;
      return;
    }
    logger.warn({ err: { message: err.message, code: (err as { code?: unknown }).code }, suppressed }, `${what}: connection error`);
    last = now;
    suppressed = 0;
  };
}
