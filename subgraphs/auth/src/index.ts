import { createAuthRuntime, importPrivateKey } from '@centavo/auth-tokens';
import { createLogger, type Logger } from '@centavo/logger';
import { bootSubgraph, FixedWindowLimiter, loadTypeDefs, type SubgraphServer } from '@centavo/server';
import { loadConfig, type AuthConfig } from './config.js';
import { createLoaders, type AuthContext } from './context.js';
import { createPrisma } from './db.js';
import { AuthService } from './modules/users/auth.service.js';
import { RefreshTokensRepository } from './modules/users/refresh-tokens.repository.js';
import { usersResolvers } from './modules/users/users.resolvers.js';
import { UsersRepository } from './modules/users/users.repository.js';

export { loadConfig };
export const typeDefs = loadTypeDefs(new URL('../schema.graphql', import.meta.url));

/** Starts the auth subgraph; `port` 0 picks a free port (tests). */
export async function startAuthSubgraph(
  config: AuthConfig = loadConfig(),
  root: Logger = createLogger({ level: config.LOG_LEVEL }),
): Promise<SubgraphServer> {
  const logger = root.child({ service: 'auth' });
  const runtime = await createAuthRuntime(config, logger);
  if (!runtime.keys.privateKeyPem) throw new Error('JWT_PRIVATE_KEY is required by the auth subgraph');
  const privateKey = await importPrivateKey(runtime.keys.privateKeyPem);
  const prisma = createPrisma(config.databaseUrl);
  const users = new UsersRepository(prisma);
  // Its own bucket: through the gateway an attempt is counted there too, under another name.
  const limiter = new FixedWindowLimiter(runtime.redis, config.REDIS_PREFIX);
  const auth = new AuthService({
    users,
    refreshTokens: new RefreshTokensRepository(prisma),
    denylist: runtime.denylist,
    privateKey,
    accessTokenTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
    refreshTokenTtlDays: config.REFRESH_TOKEN_TTL_DAYS,
    logger,
    loginAttempt: (email) => limiter.hit('auth-login-email', email, config.LOGIN_RATE_LIMIT_PER_MINUTE),
  });
  return bootSubgraph<AuthContext>({
    name: 'auth',
    config,
    logger,
    runtime,
    typeDefs,
    resolvers: usersResolvers,
    db: prisma,
    context: (base) => ({ ...base, auth, loaders: createLoaders(users) }),
  });
}
