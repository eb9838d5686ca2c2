import { Redis } from 'ioredis';
import { mayGenerateKeys } from '@centavo/config';
import { connectionErrorLogger, type Logger } from '@centavo/logger';
import { Denylist, DenylistWatch } from './denylist.js';
import { importPublicKeys, resolveKeyPems, type KeyPems } from './keys.js';
import { TokenVerifier } from './tokens.js';

export interface AuthRuntimeConfig {
  NODE_ENV: string;
  REDIS_URL: string;
  REDIS_PREFIX: string;
  JWT_PUBLIC_KEY?: string | undefined;
  JWT_PRIVATE_KEY?: string | undefined;
  JWT_PREVIOUS_PUBLIC_KEY?: string | undefined;
  JWT_KEY_DIR: string;
  JWT_GENERATE_KEYS?: string | undefined;
}

export interface AuthRuntime {
  redis: Redis;
  denylist: Denylist;
  verifier: TokenVerifier;
  keys: KeyPems;
  close(): Promise<void>;
}

export interface AuthRuntimeOptions {
  /**
   * Remember tokens found not revoked, forgotten when their logout is published (a subscriber
   * connection of its own, see DenylistWatch): the subgraphs, which check the denylist on every
   * request. The gateway checks it in the round trip that meters the request instead.
   */
  watchDenylist?: boolean;
}

/** What every process needs to check access tokens: the public key and the Redis denylist. */
export async function createAuthRuntime(config: AuthRuntimeConfig, logger: Logger, options: AuthRuntimeOptions = {}): Promise<AuthRuntime> {
  const keys = resolveKeyPems({
    privateKeyPem: config.JWT_PRIVATE_KEY,
    publicKeyPem: config.JWT_PUBLIC_KEY,
    previousPublicKeyPem: config.JWT_PREVIOUS_PUBLIC_KEY,
    keyDir: config.JWT_KEY_DIR,
    generate: mayGenerateKeys(config),
  });
  const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 2, enableOfflineQueue: true });
  redis.on('error', connectionErrorLogger(logger, 'redis (tokens, limits)'));
  const denylist = new Denylist(redis, config.REDIS_PREFIX);
  const verifier = new TokenVerifier(await importPublicKeys(keys), denylist);
  let subscriber: Redis | undefined;
  let watch: DenylistWatch | undefined;
  if (options.watchDenylist) {
    subscriber = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 2 });
    subscriber.on('error', connectionErrorLogger(logger, 'redis (denylist channel)'));
    watch = new DenylistWatch(subscriber, denylist.channel);
    verifier.watch(watch);
    // Redis down at start: every request asks the denylist until the subscription is confirmed.
    watch.start().catch((error: unknown) => logger.warn({ err: error }, 'denylist channel not subscribed yet; checking Redis on every request'));
  }
  return {
    redis,
    denylist,
    verifier,
    keys,
    async close() {
      watch?.close();
      await subscriber?.quit().catch(() => subscriber?.disconnect());
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
