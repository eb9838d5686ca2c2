import { loadSubgraphConfig, oidcEnv, oidcSettings, z } from '@centavo/config';

// Login attempts per minute and normalized email in production. Outside production an unset
// limit is 100 times looser, as in the gateway, so scripts and test suites are not throttled.
const PRODUCTION_LOGIN_RATE_LIMIT = 10;
const DEVELOPMENT_FACTOR = 100;

export const loadConfig = (env: Record<string, string | undefined> = process.env) => {
  const config = loadSubgraphConfig(
    'auth',
    {
      ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(900),
      REFRESH_TOKEN_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30),
      /** The subgraph's own login throttle per email: it holds also when the gateway is bypassed. */
      LOGIN_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).optional(),
      /** Sign-in through an OpenID Connect provider: the gateway exchanges its tokens here (modules/users/oidc.route.ts). */
      ...oidcEnv,
    },
    env,
  );
  const factor = config.NODE_ENV === 'production' ? 1 : DEVELOPMENT_FACTOR;
  return { ...config, oidc: oidcSettings(config), LOGIN_RATE_LIMIT_PER_MINUTE: config.LOGIN_RATE_LIMIT_PER_MINUTE ?? PRODUCTION_LOGIN_RATE_LIMIT * factor };
};

export type AuthConfig = ReturnType<typeof loadConfig>;
