import { z } from 'zod';

export { z };

export const SUBGRAPHS = ['auth', 'transactions', 'budget', 'ai'] as const;
export type SubgraphName = (typeof SUBGRAPHS)[number];

export const DEFAULT_PORTS: Record<SubgraphName | 'gateway', number> = {
  gateway: 4000,
  auth: 4001,
  transactions: 4002,
  budget: 4003,
  ai: 4004,
};

export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid configuration:\n  ${issues.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/** Validates an environment against a zod object; an error names every bad variable. */
export function parseEnv<S extends z.ZodType>(
  schema: S,
  env: Record<string, string | undefined> = process.env,
): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => `${issue.path.join('.') || '(env)'}: ${issue.message}`),
  );
}

/** Booleans from the environment: "1", "true", "yes" are true; "0", "false", "no", "" false. */
export const envBoolean = (fallback: boolean) =>
  z
    .enum(['1', '0', 'true', 'false', 'yes', 'no', ''])
    .optional()
    .transform((v) => (v === undefined || v === '' ? fallback : ['1', 'true', 'yes'].includes(v)));

export const envPort = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

/** Variables every Centavo process understands. */
export const commonEnv = {
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HOST: z.string().default('127.0.0.1'),
  /** The PostgreSQL server; each subgraph uses its own database `<DB_NAME_PREFIX>_<subgraph>` on it. */
  DATABASE_URL: z.url().default('postgresql://postgres@127.0.0.1:5432/postgres'),
  DB_NAME_PREFIX: z
    .string()
    .regex(/^[a-z][a-z0-9_]*$/, 'lower-case letters, digits and _')
    .default('centavo'),
  REDIS_URL: z.url().default('redis://127.0.0.1:6379'),
  /** Prefix of every Redis key and channel, so several installations can share one Redis. */
  REDIS_PREFIX: z.string().default('centavo:'),
};

/** The database URL of one subgraph: DATABASE_URL_<NAME> if set, else DATABASE_URL with its own database. */
export function databaseUrlFor(
  name: SubgraphName,
  env: Record<string, string | undefined> = process.env,
): string {
  const own = env[`DATABASE_URL_${name.toUpperCase()}`];
  if (own) return own;
  const base = parseEnv(z.object({ DATABASE_URL: commonEnv.DATABASE_URL, DB_NAME_PREFIX: commonEnv.DB_NAME_PREFIX }), env);
  const url = new URL(base.DATABASE_URL);
  url.pathname = `/${base.DB_NAME_PREFIX}_${name}`;
  return url.toString();
}

/** Background workers (BullMQ): how many jobs at once, and how soon a crashed worker's job is retried. */
export const workerEnv = {
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  WORKER_STALLED_INTERVAL_MS: z.coerce.number().int().min(500).max(600_000).default(30_000),
};

/** Access-token keys: PEM text in the environment, or a development pair under JWT_KEY_DIR. */
export const jwtEnv = {
  JWT_PUBLIC_KEY: z.string().optional(),
  JWT_PRIVATE_KEY: z.string().optional(),
  /**
   * Key rotation: the public key(s) replaced by JWT_PUBLIC_KEY (PEM, several blocks allowed).
   * Tokens they signed keep verifying until they expire, and /.well-known/jwks.json lists them.
   */
  JWT_PREVIOUS_PUBLIC_KEY: z.string().optional(),
  JWT_KEY_DIR: z.string().default('.data/keys'),
  /** Create a key pair in JWT_KEY_DIR when none is configured; default: outside production only. */
  JWT_GENERATE_KEYS: z.enum(['1', '0', 'true', 'false']).optional(),
};

/** Whether a missing key pair may be created (JWT_GENERATE_KEYS, else outside production only). */
export function mayGenerateKeys(config: { NODE_ENV: string; JWT_GENERATE_KEYS?: string | undefined }): boolean {
  if (config.JWT_GENERATE_KEYS !== undefined) return config.JWT_GENERATE_KEYS === '1' || config.JWT_GENERATE_KEYS === 'true';
  return config.NODE_ENV !== 'production';
}

/**
 * Size limits of one GraphQL operation, checked by the gateway and again by every subgraph
 * (a subgraph reached directly defends itself); tokens and brace nesting before parse.
 */
export const queryLimitsEnv = {
  MAX_QUERY_DEPTH: z.coerce.number().int().min(1).default(12),
  MAX_QUERY_COST: z.coerce.number().int().min(1).default(10_000),
  MAX_ALIASES: z.coerce.number().int().min(0).default(30),
  MAX_QUERY_TOKENS: z.coerce.number().int().min(1).default(5_000),
};

type Env = Record<string, string | undefined>;

const subgraphBase = z.object({
  ...commonEnv,
  ...jwtEnv,
  ...workerEnv,
  ...queryLimitsEnv,
  PORT: envPort(0),
  INTROSPECTION: envBoolean(true),
});

export type SubgraphBaseConfig = z.infer<typeof subgraphBase> & { databaseUrl: string };

/**
 * The configuration of one subgraph: the common variables, the token keys, its port
 * (`<NAME>_PORT`), its database URL, and its own variables in `extra`.
 */
export function loadSubgraphConfig<E extends z.ZodRawShape>(
  name: SubgraphName,
  extra: E,
  env: Env = process.env,
): SubgraphBaseConfig & z.infer<z.ZodObject<E>> {
  const issues: string[] = [];
  const collect = <T>(fn: () => T): T | undefined => {
    try {
      return fn();
    } catch (error) {
      if (error instanceof ConfigError) issues.push(...error.issues);
      else throw error;
      return undefined;
    }
  };
  const portVar = `${name.toUpperCase()}_PORT`;
  const base = collect(() =>
    parseEnv(subgraphBase, { ...env, PORT: env[portVar] ?? String(DEFAULT_PORTS[name]) }),
  );
  const own = collect(() => parseEnv(z.object(extra), env));
  const databaseUrl = collect(() => databaseUrlFor(name, env));
  if (!base || !own || !databaseUrl) throw new ConfigError(issues.map((i) => i.replace(/^PORT:/, `${portVar}:`)));
  const merged = {
    ...base,
    // Sandbox and introspection never run in production.
    INTROSPECTION: base.INTROSPECTION && base.NODE_ENV !== 'production',
    databaseUrl,
  };
  return Object.assign(merged, own) as SubgraphBaseConfig & z.infer<z.ZodObject<E>>;
}

/** Signature algorithms an OpenID Connect provider's tokens may use; never `none` or HS*. */
export const OIDC_ALLOWED_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const;

/**
 * Sign-in through an OpenID Connect provider (optional): its tokens are accepted by the gateway
 * when OIDC_ISSUER and OIDC_CLIENT_ID are set. The gateway and the auth subgraph both read these.
 */
export const oidcEnv = {
  /** The provider's issuer URL, exactly as its tokens' `iss`; its discovery document is at `<issuer>/.well-known/openid-configuration`. */
  OIDC_ISSUER: z.url().optional(),
  /** Centavo's client id at the provider: tokens must name it in `aud`. */
  OIDC_CLIENT_ID: z.string().min(1).optional(),
  /** The `aud` expected instead of OIDC_CLIENT_ID (an API audience); default OIDC_CLIENT_ID. */
  OIDC_AUDIENCE: z.string().min(1).optional(),
  /** Comma-separated; a subset of OIDC_ALLOWED_ALGORITHMS. */
  OIDC_ALGORITHMS: z
    .string()
    .default('RS256,ES256,EdDSA')
    .transform((v) => v.split(',').map((a) => a.trim()).filter(Boolean))
    .pipe(z.array(z.enum(OIDC_ALLOWED_ALGORITHMS)).min(1)),
  /** Leeway for `exp`, `nbf` and `iat` between the provider's clock and ours. */
  OIDC_CLOCK_TOLERANCE_SECONDS: z.coerce.number().int().min(0).max(300).default(30),
  /** After a JWKS fetch, how long a token with an unknown `kid` is refused before the keys are fetched again. */
  OIDC_JWKS_COOLDOWN_SECONDS: z.coerce.number().int().min(0).max(3_600).default(30),
  /** How long fetched keys are used before they are fetched again (a removed key is noticed then). */
  OIDC_JWKS_MAX_AGE_SECONDS: z.coerce.number().int().min(1).max(86_400).default(600),
  /** How long the gateway trusts a provider token it verified before verifying it again against the keys. */
  OIDC_RECHECK_SECONDS: z.coerce.number().int().min(1).max(3_600).default(60),
};

type OidcEnv = z.infer<z.ZodObject<typeof oidcEnv>>;

export interface OidcSettings {
  issuer: string;
  audience: string;
  algorithms: string[];
  clockToleranceSeconds: number;
  jwksCooldownMs: number;
  jwksMaxAgeMs: number;
  recheckMs: number;
}

/**
 * The OIDC settings, or null when sign-in through a provider is off (OIDC_ISSUER unset).
 * An issuer without a client id, or over plain HTTP in production, is a configuration error.
 */
export function oidcSettings(config: OidcEnv & { NODE_ENV: string }): OidcSettings | null {
  if (!config.OIDC_ISSUER) {
    if (config.OIDC_CLIENT_ID || config.OIDC_AUDIENCE) throw new ConfigError(['OIDC_ISSUER: required when OIDC_CLIENT_ID or OIDC_AUDIENCE is set']);
    return null;
  }
  const issues: string[] = [];
  const audience = config.OIDC_AUDIENCE ?? config.OIDC_CLIENT_ID;
  if (!audience) issues.push('OIDC_CLIENT_ID: required when OIDC_ISSUER is set');
  const url = new URL(config.OIDC_ISSUER);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && config.NODE_ENV !== 'production')) {
    issues.push('OIDC_ISSUER: must be an https URL (http is allowed outside production only)');
  }
  if (issues.length > 0 || !audience) throw new ConfigError(issues);
  return {
    issuer: config.OIDC_ISSUER,
    audience,
    algorithms: config.OIDC_ALGORITHMS,
    clockToleranceSeconds: config.OIDC_CLOCK_TOLERANCE_SECONDS,
    jwksCooldownMs: config.OIDC_JWKS_COOLDOWN_SECONDS * 1000,
    jwksMaxAgeMs: config.OIDC_JWKS_MAX_AGE_SECONDS * 1000,
    recheckMs: config.OIDC_RECHECK_SECONDS * 1000,
  };
}
