import { commonEnv, DEFAULT_PORTS, envBoolean, envPort, jwtEnv, oidcEnv, oidcSettings, parseEnv, queryLimitsEnv, z, type OidcSettings } from '@centavo/config';

const optionalUrl = z.url().optional();

const schema = z.object({
  ...commonEnv,
  ...jwtEnv,
  /** Sign-in through an OpenID Connect provider (gateway/src/oidc): off unless OIDC_ISSUER and OIDC_CLIENT_ID are set. */
  ...oidcEnv,
  GATEWAY_PORT: envPort(DEFAULT_PORTS.gateway),
  SUPERGRAPH_CONFIG: z.string().default('supergraph.yaml'),
  /**
   * A Rover-composed supergraph to serve instead of composing SUPERGRAPH_CONFIG at start; the
   * gateway reloads it when the file changes. *_SUBGRAPH_URL still override its routing URLs.
   */
  SUPERGRAPH_PATH: z.string().min(1).optional(),
  AUTH_SUBGRAPH_URL: optionalUrl,
  TRANSACTIONS_SUBGRAPH_URL: optionalUrl,
  BUDGET_SUBGRAPH_URL: optionalUrl,
  AI_SUBGRAPH_URL: optionalUrl,
  /** Apollo Sandbox and introspection; always off in production. */
  INTROSPECTION: envBoolean(true),
  /** Largest statement upload (POST /imports); the transactions subgraph has the same setting and checks it too. */
  IMPORT_MAX_BYTES: z.coerce.number().int().min(1).default(200 * 1024 * 1024),
  BODY_LIMIT: z.string().regex(/^\d+(b|kb|mb)$/).default('1mb'),
  /** Calls to subgraphs: a timeout, retries (queries only) and a circuit breaker per subgraph. */
  SUBGRAPH_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(5_000),
  SUBGRAPH_RETRIES: z.coerce.number().int().min(0).max(5).default(2),
  SUBGRAPH_BREAKER_FAILURES: z.coerce.number().int().min(1).max(100).default(5),
  SUBGRAPH_BREAKER_COOLDOWN_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
  /**
   * Identical queries in flight to one subgraph (same document, variables and caller's token)
   * share one call; 0 sends each. Mutations are never shared.
   */
  SUBGRAPH_DEDUPE: envBoolean(true),
  /**
   * A subgraph running in the gateway's process (`--module=all`) is called in process, without a
   * socket; 0 sends every call over HTTP.
   */
  SUBGRAPH_IN_PROCESS: envBoolean(true),
  /** Keep-alive connections from this process to each subgraph at most. */
  SUBGRAPH_CONNECTIONS: z.coerce.number().int().min(1).max(1_024).default(64),
  /** Size of the query-plan cache (an LRU by approximate size), in MiB; Apollo Gateway's default is 30. */
  QUERY_PLAN_CACHE_MIB: z.coerce.number().int().min(1).max(1_024).default(30),
  /** Events waiting for one slow subscription; past this the oldest are dropped (the client gets EVENTS_DROPPED). */
  SUBSCRIPTION_QUEUE_LIMIT: z.coerce.number().int().min(1).max(10_000).default(100),
  /** Most objects one subscription refetch query loads (events of a burst are refetched together). */
  SUBSCRIPTION_BATCH_SIZE: z.coerce.number().int().min(1).max(500).default(100),
  /** How long an idle subscription waits after an event for more before refetching, in ms. */
  SUBSCRIPTION_BATCH_WINDOW_MS: z.coerce.number().int().min(0).max(100).default(3),
  /** Subscriptions one WebSocket may hold at once. */
  SUBSCRIPTIONS_PER_SOCKET: z.coerce.number().int().min(1).max(1_000).default(50),
  /**
   * Whole query responses of signed-in users cached in Redis (gateway/src/response-cache), for
   * as long as the subgraphs' @cacheControl hints allow; every change of a user's data
   * invalidates that user's entries first. On by default: reads of unchanged data skip the subgraphs.
   */
  RESPONSE_CACHE: envBoolean(true),
  /** The longest a cached response lives, whatever the hints say (seconds). */
  RESPONSE_CACHE_MAX_TTL_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
  /** Limits (gateway/src/limits): refused before any subgraph is called. */
  ...queryLimitsEnv,
  /** WebSockets one user may hold open on one gateway process; the next one is closed (4429). */
  MAX_SOCKETS_PER_USER: z.coerce.number().int().min(1).max(10_000).default(20),
  /**
   * Requests per minute of one authenticated user and of one IP without a token; `login` per
   * IP and per email, `register` per IP. Unset, they take the production values below, or
   * 100 times those outside production (see loadConfig).
   */
  USER_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).optional(),
  IP_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).optional(),
  LOGIN_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).optional(),
  REGISTER_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).optional(),
  /** The built web app (web/dist) at / on the gateway's origin; 0 turns it off. */
  WEB_APP: envBoolean(true),
  /** Where the built web app is; unset, web/dist of this checkout. */
  WEB_APP_DIR: z.string().min(1).optional(),
  /** Bull Board at /admin/queues for ADMIN users (gateway/src/admin); 0 turns it off. */
  QUEUE_DASHBOARD: envBoolean(true),
  /**
   * Which proxies' X-Forwarded-For to believe for the caller's address (per-IP rate limits):
   * unset, nobody (the socket's address counts); a number of hops (1 behind one load balancer);
   * or addresses/CIDRs/Express's names (`loopback`, `uniquelocal`). Believing a client's own
   * header would let it pick a fresh address for every request.
   */
  TRUST_PROXY: z
    .string()
    .optional()
    .transform((v): boolean | number | string => (v === undefined || v === '' || v === 'false' ? false : /^\d+$/.test(v) ? Number(v) : v)),
});

type RateLimit = 'USER_RATE_LIMIT_PER_MINUTE' | 'IP_RATE_LIMIT_PER_MINUTE' | 'LOGIN_RATE_LIMIT_PER_MINUTE' | 'REGISTER_RATE_LIMIT_PER_MINUTE';
export type GatewayConfig = Omit<z.infer<typeof schema>, RateLimit> & Record<RateLimit, number> & { oidc: OidcSettings | null };

const PRODUCTION_RATE_LIMITS: Record<RateLimit, number> = {
  USER_RATE_LIMIT_PER_MINUTE: 600,
  IP_RATE_LIMIT_PER_MINUTE: 300,
  LOGIN_RATE_LIMIT_PER_MINUTE: 10,
  REGISTER_RATE_LIMIT_PER_MINUTE: 10,
};
// A developer's machine runs scripts and test suites that register, log in and write far
// faster than a person; they are not throttled unless a limit is set explicitly.
const DEVELOPMENT_FACTOR = 100;

export function loadConfig(env: Record<string, string | undefined> = process.env): GatewayConfig {
  const config = parseEnv(schema, env);
  const factor = config.NODE_ENV === 'production' ? 1 : DEVELOPMENT_FACTOR;
  const limit = (name: RateLimit) => config[name] ?? PRODUCTION_RATE_LIMITS[name] * factor;
  return {
    ...config,
    INTROSPECTION: config.INTROSPECTION && config.NODE_ENV !== 'production',
    oidc: oidcSettings(config),
    USER_RATE_LIMIT_PER_MINUTE: limit('USER_RATE_LIMIT_PER_MINUTE'),
    IP_RATE_LIMIT_PER_MINUTE: limit('IP_RATE_LIMIT_PER_MINUTE'),
    LOGIN_RATE_LIMIT_PER_MINUTE: limit('LOGIN_RATE_LIMIT_PER_MINUTE'),
    REGISTER_RATE_LIMIT_PER_MINUTE: limit('REGISTER_RATE_LIMIT_PER_MINUTE'),
  };
}

export function subgraphUrlOverrides(config: GatewayConfig): Record<string, string | undefined> {
  return {
    auth: config.AUTH_SUBGRAPH_URL,
    transactions: config.TRANSACTIONS_SUBGRAPH_URL,
    budget: config.BUDGET_SUBGRAPH_URL,
    ai: config.AI_SUBGRAPH_URL,
  };
}

/** BODY_LIMIT in bytes ("1mb" → 1048576), also the largest WebSocket message. */
export function bodyLimitBytes(limit: string): number {
  const match = /^(\d+)(b|kb|mb)$/.exec(limit);
  if (!match) throw new Error(`bad size: ${limit}`);
  const unit = { b: 1, kb: 1024, mb: 1024 * 1024 }[match[2] as 'b' | 'kb' | 'mb'];
  return Number(match[1]) * unit;
}
