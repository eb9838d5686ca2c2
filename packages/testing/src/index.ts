import { randomUUID } from 'node:crypto';

export { deleteRedisKeys } from './redis.js';

/**
 * The databases of this test process: one set per vitest worker (VITEST_POOL_ID), cloned from
 * the migrated set by the global setup, so files running at the same time share no table (one
 * system's outbox relay would otherwise take another's events). Outside vitest, the base set.
 */
export function testDbPrefix(): string {
  const base = process.env.CENTAVO_TEST_DB_PREFIX ?? 'centavo_test';
  const worker = process.env.VITEST_POOL_ID;
  return worker ? `${base}_w${worker}` : base;
}

/** The environment every test process uses: its own databases and Redis prefix. */
export function testEnv(overrides: Record<string, string> = {}): Record<string, string | undefined> {
  return {
    ...process.env,
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DB_NAME_PREFIX: testDbPrefix(),
    REDIS_PREFIX: 'centavo-test:',
    JWT_KEY_DIR: '.data/test-keys',
    HOST: '127.0.0.1',
    APOLLO_TELEMETRY_DISABLED: '1',
    // Tests share one database: retraining the global model is tested on its own, with cleanup.
    GLOBAL_LEARNING: '0',
    WORKER_PORT: '0',
    RETRAIN_CRON: '',
    ...overrides,
  };
}

export interface GraphQLResponse<T = Record<string, unknown>> {
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

/** A GraphQL client as a frontend uses it: POST JSON, optional bearer token. */
export async function graphql<T = Record<string, unknown>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
  headers: Record<string, string> = {},
): Promise<GraphQLResponse<T> & { status: number }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as GraphQLResponse<T>;
  return { ...body, status: response.status };
}

/** The data of a response that must have no errors. */
export async function ok<T = Record<string, unknown>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
): Promise<T> {
  const res = await graphql<T>(url, query, variables, token);
  if (res.errors?.length || !res.data) throw new Error(`GraphQL errors: ${JSON.stringify(res.errors ?? res)}`);
  return res.data;
}

/** The error codes of a response, in order. */
export const codes = (res: GraphQLResponse<unknown>): unknown[] => (res.errors ?? []).map((e) => e.extensions?.code);

export const uniqueEmail = (label = 'user') => `${label}-${randomUUID().slice(0, 8)}@example.com`;

export interface Session {
  id: string;
  email: string;
  accessToken: string;
  refreshToken: string;
}

export async function registerUser(gatewayUrl: string, label = 'user', password = 'correct horse battery'): Promise<Session> {
  const email = uniqueEmail(label);
  const data = await ok<{ register: { accessToken: string; refreshToken: string; user: { id: string } } }>(
    gatewayUrl,
    `mutation ($input: RegisterInput!) { register(input: $input) { accessToken refreshToken user { id } } }`,
    { input: { email, password, name: label } },
  );
  return { id: data.register.user.id, email, accessToken: data.register.accessToken, refreshToken: data.register.refreshToken };
}

/** An access token for a made-up user id, signed with the test key pair (as the auth subgraph would). */
export async function mintToken(userId: string = randomUUID(), ttlSeconds = 900): Promise<string> {
  const { importPrivateKey, resolveKeyPems, signAccessToken } = await import('@centavo/auth-tokens');
  const env = testEnv();
  const keys = resolveKeyPems({ keyDir: env.JWT_KEY_DIR!, generate: true });
  const key = await importPrivateKey(keys.privateKeyPem!);
  return (await signAccessToken(key, { userId, roles: ['USER'] }, ttlSeconds)).token;
}
