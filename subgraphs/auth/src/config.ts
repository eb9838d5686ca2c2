import { loadSubgraphConfig, z } from '@centavo/config';

export const loadConfig = (env: Record<string, string | undefined> = process.env) =>
  loadSubgraphConfig(
    'auth',
    {
      ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(900),
      REFRESH_TOKEN_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30),
    },
    env,
  );

export type AuthConfig = ReturnType<typeof loadConfig>;
