import { ApolloServer, HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import {
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import type { IncomingHttpHeaders } from 'node:http';
import { SpanKind, trace } from '@opentelemetry/api';
import express, { type Express } from 'express';
import type { DocumentNode } from 'graphql';
import type { AuthRuntime, AuthUser, TokenVerifier } from '@centavo/auth-tokens';
import { metricsPlugin } from '@centavo/metrics';
import { unauthenticated } from '@centavo/errors';
import type { Logger } from '@centavo/logger';
import { mountHealth, type ReadinessCheck } from './health.js';
import { mountErrorHandling } from './http-errors.js';
import { listen, type RunningHttpServer } from './http.js';
import { registerInProcessSubgraph, type InProcessAnswer, type InProcessHandler } from './in-process.js';
import { inputTextPlugin } from './input-text.js';
import { authenticate, requestIdOf } from './request-auth.js';
import { guardRequest, loggedErrorFormatter, queryGuard, queryLimitsPlugin, subgraphLimits, type QueryLimits } from './limits/index.js';

/** What every subgraph's context carries; apps extend it with their services and loaders. */
export interface BaseContext {
  user: AuthUser | null;
  requestId: string;
  logger: Logger;
}

export function requireUser(ctx: BaseContext): AuthUser {
  if (!ctx.user) throw unauthenticated();
  return ctx.user;
}

export interface SubgraphServerOptions<TContext extends BaseContext> {
  name: string;
  typeDefs: DocumentNode;
  resolvers: GraphQLResolverMap<TContext>;
  verifier: TokenVerifier;
  logger: Logger;
  host: string;
  port: number;
  /** Builds the app part of the context (services, per-request DataLoaders). */
  context(base: BaseContext): TContext | Promise<TContext>;
  readiness: ReadinessCheck[];
  /** Apollo Sandbox and introspection; off in production. */
  introspection: boolean;
  /** Largest accepted request body, in bytes (1 MiB by default). */
  bodyLimitBytes?: number;
  /** The configured query limits (see subgraphLimits): a subgraph reached directly defends itself. */
  limits: QueryLimits;
  /** HTTP routes of the app besides /graphql (e.g. the gateway's streamed uploads), mounted before it. */
  routes?: (app: Express) => void;
}

export interface SubgraphServer {
  url: string;
  http: RunningHttpServer;
  stop(): Promise<void>;
}

/**
 * A federated subgraph over HTTP: verifies the caller's token again (a subgraph reached
 * directly is no open door), maps domain errors to contract codes, and serves health probes.
 */
export async function startSubgraphServer<TContext extends BaseContext>(
  options: SubgraphServerOptions<TContext>,
): Promise<SubgraphServer> {
  const { logger } = options;
  const limits = subgraphLimits(options.limits);
  const apollo = createSubgraphApollo(options, limits);
  await apollo.start();

  const app = express();
  app.disable('x-powered-by');
  // No ETag: Express hashed every response body (SHA-1) for a header no caller uses (the gateway
  // POSTs, and never revalidates), 1.7% of the subgraph process's CPU under dashboards.
  app.set('etag', false);
  mountHealth(app, options.name, options.readiness);
  options.routes?.(app);
  app.use(
    '/graphql',
    express.json({ limit: options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES }),
    queryGuard(limits),
    expressMiddleware(apollo, { context: async ({ req }) => contextOf(options, req.headers) }),
  );
  mountErrorHandling(app, logger);

  const http = await listen(app, options.host, options.port);
  const withdraw = registerInProcessSubgraph(options.host, http.port, '/graphql', tracedInProcess(inProcessHandler(options, limits, apollo), http.port), () => http.server.listening);
  logger.info({ url: `${http.url}/graphql` }, `${options.name} subgraph ready`);
  return {
    url: `${http.url}/graphql`,
    http,
    async stop() {
      withdraw();
      await http.close();
      await apollo.stop();
    },
  };
}

const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;

const errorAnswer = (status: number, message: string, extensions: Record<string, unknown>): InProcessAnswer => ({
  status,
  headers: [
    ['content-type', 'application/json; charset=utf-8'],
    ['cache-control', 'no-store'],
  ],
  body: JSON.stringify({ errors: [{ message, extensions }] }),
});

/**
 * /graphql for a caller in this process (in-process.ts): what express.json, queryGuard and
 * expressMiddleware do over HTTP, the same answers for the same requests, without a socket.
 */
function inProcessHandler<TContext extends BaseContext>(options: SubgraphServerOptions<TContext>, limits: QueryLimits, apollo: ApolloServer<TContext>): InProcessHandler {
  const limit = options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES;
  return async ({ method, headers, body }) => {
    let parsed: unknown;
    if (body !== undefined && body !== '' && /^application\/json\b/i.test(headers['content-type'] ?? '')) {
      if (body.length > limit || Buffer.byteLength(body) > limit) return errorAnswer(413, 'The request body is too large', { code: 'PAYLOAD_TOO_LARGE' });
      try {
        parsed = JSON.parse(body);
      } catch {
        parsed = undefined;
      }
      // express.json is strict: only an object or an array is a body.
      if (typeof parsed !== 'object' || parsed === null) return errorAnswer(400, 'The request body is not valid JSON', { code: 'BAD_REQUEST' });
    }
    const refusal = guardRequest(limits, parsed);
    if (refusal) return errorAnswer(refusal.status, refusal.message, refusal.extensions);
    try {
      const httpHeaders = new HeaderMap();
      for (const [name, value] of Object.entries(headers)) httpHeaders.set(name, value);
      const response = await apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: method.toUpperCase(), headers: httpHeaders, search: '', body: parsed },
        context: () => contextOf(options, headers),
      });
      let text = '';
      if (response.body.kind === 'complete') text = response.body.string;
      else for await (const chunk of response.body.asyncIterator) text += chunk;
      return { status: response.status ?? 200, headers: [...response.headers], body: text };
    } catch (error) {
      options.logger.error({ err: error }, 'unhandled in-process subgraph error');
      return errorAnswer(500, 'Internal server error', { code: 'INTERNAL_SERVER_ERROR' });
    }
  };
}

const tracer = trace.getTracer('@centavo/server');

/**
 * When the caller's request is traced, the in-process call gets the server span its HTTP request
 * would have had (method, path, port, status), marked `centavo.in_process`, so a trace still shows
 * which subgraph served what. Untraced requests pay nothing for it.
 */
function tracedInProcess(handler: InProcessHandler, port: number): InProcessHandler {
  return (request) => {
    if (!trace.getActiveSpan()?.isRecording()) return handler(request);
    return tracer.startActiveSpan(
      `${request.method} /graphql`,
      {
        kind: SpanKind.SERVER,
        attributes: { 'http.request.method': request.method, 'url.path': '/graphql', 'server.address': '127.0.0.1', 'server.port': port, 'centavo.in_process': true },
      },
      async (span) => {
        try {
          const answer = await handler(request);
          span.setAttribute('http.response.status_code', answer.status);
          return answer;
        } finally {
          span.end();
        }
      },
    );
  };
}

function createSubgraphApollo<TContext extends BaseContext>(options: SubgraphServerOptions<TContext>, limits: QueryLimits): ApolloServer<TContext> {
  const { logger } = options;
  return new ApolloServer<TContext>({
    schema: buildSubgraphSchema([{ typeDefs: options.typeDefs, resolvers: options.resolvers }]),
    introspection: options.introspection,
    plugins: subgraphPlugins(options, limits),
    parseOptions: { maxTokens: limits.MAX_QUERY_TOKENS },
    includeStacktraceInErrorResponses: false,
    formatError: loggedErrorFormatter(logger),
  });
}

function subgraphPlugins<TContext extends BaseContext>(options: SubgraphServerOptions<TContext>, limits: QueryLimits): ApolloServerPlugin<TContext>[] {
  const plugins: ApolloServerPlugin<TContext>[] = [
    // Inline traces feed Apollo Studio, which Centavo never reports to.
    ApolloServerPluginInlineTraceDisabled(),
    metricsPlugin<TContext>(options.name),
    inputTextPlugin<TContext>(),
    {
      // One line per operation, with the request id the gateway passed on.
      async requestDidStart() {
        return {
          async willSendResponse({ contextValue, operationName, errors }) {
            contextValue.logger?.debug({ operation: operationName ?? 'anonymous', errors: errors?.length ?? 0 }, 'operation');
          },
        };
      },
    },
  ];
  if (!options.introspection) plugins.push(ApolloServerPluginLandingPageDisabled());
  plugins.push(queryLimitsPlugin<TContext>(limits));
  return plugins;
}

/** The request's context: its id, the caller verified again, and the app's services and loaders. */
async function contextOf<TContext extends BaseContext>(options: SubgraphServerOptions<TContext>, headers: IncomingHttpHeaders): Promise<TContext> {
  const requestId = requestIdOf(headers);
  const { user } = await authenticate(options.verifier, headers);
  // One child logger per request (its bindings are serialized when it is made).
  return options.context({ user, requestId, logger: options.logger.child(user ? { requestId, userId: user.id } : { requestId }) });
}

/** The part of a Prisma client the bootstrap needs. */
export interface DatabaseClient {
  $queryRawUnsafe(sql: string): Promise<unknown>;
  $disconnect(): Promise<void>;
}

export interface BootOptions<TContext extends BaseContext> {
  name: string;
  config: {
    NODE_ENV: string;
    HOST: string;
    PORT: number;
    INTROSPECTION: boolean;
    REDIS_URL: string;
    REDIS_PREFIX: string;
    JWT_PUBLIC_KEY?: string | undefined;
    JWT_PRIVATE_KEY?: string | undefined;
    JWT_KEY_DIR: string;
  } & QueryLimits;
  logger: Logger;
  typeDefs: DocumentNode;
  resolvers: object;
  db: DatabaseClient;
  context(base: BaseContext): TContext | Promise<TContext>;
  /** Runs on stop after the HTTP server closed, before the database disconnects. */
  onStop?: () => Promise<void>;
  /** HTTP routes besides /graphql; `verifier` checks the caller's token as /graphql does. */
  routes?: (app: Express, verifier: TokenVerifier) => void;
}

/**
 * Starts a subgraph with what every one of them shares: token verification against the
 * Redis denylist, readiness of PostgreSQL and Redis, and an orderly stop.
 */
export async function bootSubgraph<TContext extends BaseContext>(
  options: BootOptions<TContext> & { runtime: AuthRuntime },
): Promise<SubgraphServer> {
  const { runtime, config, db } = options;
  const server = await startSubgraphServer<TContext>({
    name: options.name,
    typeDefs: options.typeDefs,
    resolvers: options.resolvers as GraphQLResolverMap<TContext>,
    verifier: runtime.verifier,
    logger: options.logger,
    host: config.HOST,
    port: config.PORT,
    introspection: config.INTROSPECTION,
    limits: config,
    context: options.context,
    ...(options.routes ? { routes: (app: Express) => options.routes?.(app, runtime.verifier) } : {}),
    readiness: [
      { name: 'postgres', check: () => db.$queryRawUnsafe('SELECT 1') },
      { name: 'redis', check: () => runtime.redis.ping() },
    ],
  });
  return {
    ...server,
    async stop() {
      await server.stop();
      await options.onStop?.();
      await db.$disconnect();
      await runtime.close();
    },
  };
}
