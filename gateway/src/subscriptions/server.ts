import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { GraphQLError, type ExecutionArgs, type ExecutionResult, type FormattedExecutionResult, type GraphQLSchema } from 'graphql';
import type { Disposable, ServerOptions } from 'graphql-ws';
import { useServer, type Extra } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { TokenVerifier } from '@centavo/auth-tokens';
import { isDomainError } from '@centavo/errors';
import type { Logger } from '@centavo/logger';
import { createSubscriber, type Subscriber } from '@centavo/pubsub';
import type { QueryLimits } from '@centavo/server';
import type { GatewayContext } from '../context.js';
import { INTERNAL_ERROR_RESULT, openOperationStream, type OperationContext, type Session, type StreamDeps } from './operation.js';
import { prepareOperation } from './prepare.js';
import { buildSubscriptionSchema, type SubscriptionSchema } from './schema.js';
import { batchRefetches, type RefetchOutcome, type RunRefetch } from './refetch-batcher.js';
import { closeSession, openSession, quietProtocolErrors, SocketCounter } from './sockets.js';

export { TOO_MANY_SOCKETS_CLOSE } from './sockets.js';

export interface SubscriptionServerOptions {
  config: {
    REDIS_URL: string;
    REDIS_PREFIX: string;
    SUBSCRIPTION_QUEUE_LIMIT: number;
    SUBSCRIPTION_BATCH_SIZE: number;
    SUBSCRIPTION_BATCH_WINDOW_MS: number;
    SUBSCRIPTIONS_PER_SOCKET: number;
    MAX_SOCKETS_PER_USER: number;
    /** Largest accepted WebSocket message, in bytes. */
    maxPayload: number;
  } & QueryLimits;
  verifier: TokenVerifier;
  logger: Logger;
  /** Runs an operation exactly as an HTTP request is run: same auth, same error masking. */
  execute(request: { query: string; variables: Record<string, unknown> }, context: GatewayContext): Promise<FormattedExecutionResult>;
}

export interface SubscriptionServer {
  /** Takes every API schema the gateway loads; register it before apollo.start(). */
  updateSchema(apiSchema: GraphQLSchema): void;
  /** Serves graphql-ws on the HTTP server's /graphql path. */
  attach(server: Server): void;
  close(): Promise<void>;
}

type WsOptions = ServerOptions<Record<string, unknown>, Extra & Partial<{ session: Session }>>;

/** What the graphql-ws handlers share: the schema of the moment and what a stream needs. */
interface Handlers {
  options: SubscriptionServerOptions;
  logger: Logger;
  sockets: SocketCounter;
  stream: StreamDeps;
  schema(): SubscriptionSchema | undefined;
}

/**
 * graphql-ws beside Apollo Gateway, which does not execute subscriptions: each event on the
 * user's Redis channel becomes a query by id run through the gateway with the client's token.
 */
export function createSubscriptionServer(options: SubscriptionServerOptions): SubscriptionServer {
  const { config } = options;
  const logger = options.logger.child({ component: 'subscriptions' });
  const subscriber = createSubscriber(config, logger);
  let current: SubscriptionSchema | undefined;
  const handlers: Handlers = {
    options,
    logger,
    sockets: new SocketCounter(config.MAX_SOCKETS_PER_USER),
    stream: {
      subscriber,
      refetch: refetchThroughGateway(options),
      queueLimit: config.SUBSCRIPTION_QUEUE_LIMIT,
      windowMs: config.SUBSCRIPTION_BATCH_WINDOW_MS,
    },
    schema: () => current,
  };
  const wss = new WebSocketServer({ noServer: true, maxPayload: config.maxPayload });
  // Registered before graphql-ws's own listener, so it sees every socket first.
  wss.on('connection', quietProtocolErrors(logger));
  const server = serve(wss, useServer(graphqlWsOptions(handlers), wss), subscriber);
  return {
    ...server,
    updateSchema(apiSchema) {
      try {
        current = buildSubscriptionSchema(apiSchema);
        logger.info({ fields: current.fields.map((f) => f.name) }, 'subscription schema updated');
      } catch (err) {
        // Keep serving the previous schema rather than none.
        logger.error({ err }, 'could not build the subscription schema');
      }
    },
  };
}

/** Events' refetches, batched per token and selection, run with the socket's token. */
function refetchThroughGateway({ verifier, execute }: SubscriptionServerOptions): RunRefetch {
  return batchRefetches(async ({ token, query, variables }): Promise<RefetchOutcome> => {
    let user;
    try {
      user = await verifier.verify(token);
    } catch (error) {
      if (isDomainError(error)) return { kind: 'unauthenticated', reason: error.message };
      throw error;
    }
    const result = await execute({ query, variables }, { token, user, requestId: randomUUID() });
    return { kind: 'result', result };
  });
}

function graphqlWsOptions(handlers: Handlers): WsOptions & { isProd: boolean } {
  const { options, logger, sockets } = handlers;
  return {
    // Close reasons must never carry internal error messages.
    isProd: true,
    async onConnect(ctx) {
      const session = await openSession({ verifier: options.verifier, sockets, logger }, ctx.extra.socket, ctx.connectionParams);
      if (!session) return false;
      ctx.extra.session = session;
      return true;
    },
    onClose(ctx) {
      if (ctx.extra.session) closeSession(sockets, ctx.extra.session);
    },
    onSubscribe(ctx, _id, payload) {
      const session = ctx.extra.session;
      if (!session) return [new GraphQLError('Unauthorized', { extensions: { code: 'UNAUTHENTICATED' } })];
      // ctx.subscriptions already holds this one.
      const overLimit = socketLimitError(Object.keys(ctx.subscriptions).length, options.config.SUBSCRIPTIONS_PER_SOCKET);
      if (overLimit) return [overLimit];
      return prepareOperation(options.config, handlers.schema(), session, payload);
    },
    subscribe: (args) => subscribe(handlers.stream, args),
    // Results are the gateway's formatted (masked) responses: send them as they are.
    onNext: (_ctx, _id, _payload, _args, result) => result as FormattedExecutionResult,
  };
}

function socketLimitError(subscriptions: number, limit: number): GraphQLError | undefined {
  if (subscriptions <= limit) return undefined;
  return new GraphQLError(`You have reached the limit of ${limit} subscriptions on this socket`, {
    extensions: { code: 'LIMIT_EXCEEDED', resource: 'subscriptions', limit },
  });
}

async function subscribe(deps: StreamDeps, args: ExecutionArgs): Promise<AsyncIterable<ExecutionResult> | ExecutionResult> {
  const context = args.contextValue as OperationContext;
  try {
    // Formatted errors are plain objects; onNext passes them through untouched.
    return (await openOperationStream(deps, context)) as AsyncIterable<ExecutionResult>;
  } catch (err) {
    context.session.logger.error({ err }, 'could not listen to the user channel');
    return INTERNAL_ERROR_RESULT as ExecutionResult;
  }
}

/** Attaching to an HTTP server's upgrades and closing: every socket, then the Redis subscriber. */
function serve(wss: WebSocketServer, disposable: Disposable, subscriber: Subscriber): Omit<SubscriptionServer, 'updateSchema'> {
  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (new URL(request.url ?? '/', 'http://gateway').pathname !== '/graphql') {
      socket.on('error', () => socket.destroy());
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
  };
  let attached: Server | undefined;
  return {
    attach(server) {
      attached = server;
      server.on('upgrade', onUpgrade);
    },
    async close() {
      attached?.off('upgrade', onUpgrade);
      // dispose() waits for every close handshake; a silent client must not hold shutdown.
      const force = setTimeout(() => {
        for (const client of wss.clients) client.terminate();
      }, 2_000).unref();
      await disposable.dispose();
      clearTimeout(force);
      await subscriber.close();
    },
  };
}
