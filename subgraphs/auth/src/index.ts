import { createAuthRuntime, importPrivateKey, keyIdOf, OidcVerifier, ProfileGrants } from '@centavo/auth-tokens';
import { createLogger, type Logger } from '@centavo/logger';
import { bootSubgraph, FixedWindowLimiter, type SubgraphServer } from '@centavo/server';
import { loadConfig, type AuthConfig } from './config.js';
import { authContext } from './context.js';
import { createPrisma } from './db.js';
import { createAuthDomain } from './domain.js';
import { mountOidcExchange } from './modules/users/oidc.route.js';
import { resolvers, typeDefs } from './schema.js';

export { loadConfig, typeDefs };

/** Starts the auth subgraph; `port` 0 picks a free port (tests). */
export async function startAuthSubgraph(
  config: AuthConfig = loadConfig(),
  root: Logger = createLogger({ level: config.LOG_LEVEL }),
): Promise<SubgraphServer> {
  const logger = root.child({ service: 'auth' });
  const runtime = await createAuthRuntime(config, logger, { watchDenylist: true });
  if (!runtime.keys.privateKeyPem) throw new Error('JWT_PRIVATE_KEY is required by the auth subgraph');
  const prisma = createPrisma(config.databaseUrl);
  // Its own bucket: through the gateway an attempt is counted there too, under another name.
  const limiter = new FixedWindowLimiter(runtime.redis, config.REDIS_PREFIX);
  const domain = createAuthDomain({
    prisma,
    config,
    denylist: runtime.denylist,
    profiles: new ProfileGrants(runtime.redis, config.REDIS_PREFIX),
    privateKey: await importPrivateKey(runtime.keys.privateKeyPem),
    keyId: await keyIdOf(runtime.keys.publicKeyPem),
    loginAttempt: (email) => limiter.hit('auth-login-email', email, config.LOGIN_RATE_LIMIT_PER_MINUTE),
    logger,
  });
  const oidc = config.oidc ? new OidcVerifier(config.oidc, logger) : null;
  return bootSubgraph({
    name: 'auth',
    config,
    logger,
    runtime,
    typeDefs,
    resolvers,
    db: prisma,
    context: authContext(domain),
    ...(oidc ? { routes: (app) => mountOidcExchange(app, oidc, domain.auth, logger) } : {}),
  });
}
