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
