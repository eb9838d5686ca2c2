import { commonEnv, DEFAULT_PORTS, envBoolean, envPort, jwtEnv, parseEnv, z } from '@centavo/config';

const optionalUrl = z.url().optional();

const schema = z.object({
  ...commonEnv,
  ...jwtEnv,
  GATEWAY_PORT: envPort(DEFAULT_PORTS.gateway),
  SUPERGRAPH_CONFIG: z.string().default('supergraph.yaml'),
  AUTH_SUBGRAPH_URL: optionalUrl,
  TRANSACTIONS_SUBGRAPH_URL: optionalUrl,
  BUDGET_SUBGRAPH_URL: optionalUrl,
  AI_SUBGRAPH_URL: optionalUrl,
  /** Apollo Sandbox and introspection; always off in production. */
  INTROSPECTION: envBoolean(true),
  BODY_LIMIT: z.string().regex(/^\d+(b|kb|mb)$/).default('1mb'),
  /** Events waiting for one slow subscription; past this the oldest are dropped (and logged). */
  SUBSCRIPTION_QUEUE_LIMIT: z.coerce.number().int().min(1).max(10_000).default(100),
  /** Subscriptions one WebSocket may hold at once. */
  SUBSCRIPTIONS_PER_SOCKET: z.coerce.number().int().min(1).max(1_000).default(50),
});

export type GatewayConfig = z.infer<typeof schema>;

export function loadConfig(env: Record<string, string | undefined> = process.env): GatewayConfig {
  const config = parseEnv(schema, env);
  return { ...config, INTROSPECTION: config.INTROSPECTION && config.NODE_ENV !== 'production' };
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
