import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  getOperationAST,
  GraphQLError,
  parse,
  validate,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type FormattedExecutionResult,
  type GraphQLSchema,
} from 'graphql';
import type { SubscribePayload } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import { bearerToken, type TokenVerifier } from '@centavo/auth-tokens';
import { isDomainError, unauthenticated } from '@centavo/errors';
import type { Logger } from '@centavo/logger';
import { createSubscriber } from '@centavo/pubsub';
import { checkOperation, checkQueryText, type QueryLimits } from '@centavo/server';
import type { GatewayContext } from '../context.js';
import { planRefetch } from './refetch-plan.js';
import { buildSubscriptionSchema, type SubscriptionSchema } from './schema.js';
import { shareRefetches, type RefetchOutcome, type RefetchRequest } from './shared-refetch.js';
import {
  INTERNAL_ERROR_RESULT,
  openOperationStream,
  UNAUTHORIZED_CLOSE,
  type OperationContext,
  type Session,
} from './operation.js';

export interface SubscriptionServerOptions {
  config: {
    REDIS_URL: string;
    REDIS_PREFIX: string;
    SUBSCRIPTION_QUEUE_LIMIT: number;
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

/** A failure of ours (e.g. Redis down while checking the denylist): clients retry 1013. */
const TRY_AGAIN_LATER = 1013;
/**
 * A user's socket past MAX_SOCKETS_PER_USER. graphql-ws 6 clients treat 4429 as fatal and do not
 * retry it (4403 and 1013 they retry), so a runaway client stops instead of hammering.
 */
export const TOO_MANY_SOCKETS_CLOSE = 4429;

const withCode = (error: GraphQLError, code: string) =>
  new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    extensions: { ...error.extensions, code },
  });

/** A limit's error without its HTTP status, which means nothing on a socket. */
const overSocket = (error: GraphQLError) => {
  const { http: _http, ...extensions } = error.extensions;
  return new GraphQLError(error.message, { extensions });
};

/**
 * graphql-ws beside Apollo Gateway, which does not execute subscriptions: each event on the
 * user's Redis channel becomes a query by id run through the gateway with the client's token.
 */
export function createSubscriptionServer(options: SubscriptionServerOptions): SubscriptionServer {
  const { config, verifier } = options;
  const logger = options.logger.child({ component: 'subscriptions' });
  const subscriber = createSubscriber(config, logger);
  let current: SubscriptionSchema | undefined;

  const refetch = shareRefetches(async ({ token, query, variables }: RefetchRequest): Promise<RefetchOutcome> => {
    let user;
    try {
      user = await verifier.verify(token);
    } catch (error) {
      if (isDomainError(error)) return { kind: 'unauthenticated', reason: error.message };
      throw error;
    }
    const result = await options.execute({ query, variables }, { token, user, requestId: randomUUID() });
    return { kind: 'result', result };
  });
  const deps = { subscriber, refetch, queueLimit: config.SUBSCRIPTION_QUEUE_LIMIT };

  // Open sockets per user on this process: one user cannot hold every socket the process can serve.
  const socketsOf = new Map<string, number>();

  const wss = new WebSocketServer({ noServer: true, maxPayload: config.maxPayload });
  // Registered before graphql-ws's own listener, so it sees every socket first.
  wss.on('connection', quietProtocolErrors(logger));
  const disposable = useServer<Record<string, unknown>, { session: Session }>(
    {
      // Close reasons must never carry internal error messages.
      isProd: true,
      async onConnect(ctx) {
        const { socket } = ctx.extra;
        try {
          const header = ctx.connectionParams?.authorization;
          const token = bearerToken(typeof header === 'string' ? header : undefined);
          if (!token) throw unauthenticated();
          const user = await verifier.verify(token);
          // Closed while its token was checked: onClose has run already and would never release it.
          if (socket.readyState !== socket.OPEN) return false;
          const open = socketsOf.get(user.id) ?? 0;
          if (open >= config.MAX_SOCKETS_PER_USER) {
            socket.close(TOO_MANY_SOCKETS_CLOSE, `Too many sockets for this user (at most ${config.MAX_SOCKETS_PER_USER})`);
            return false;
          }
          socketsOf.set(user.id, open + 1);
          const session: Session = { user, token, socket, logger: logger.child({ userId: user.id }) };
          // An expired token would fail every refetch: end the socket when it expires.
          session.expiryTimer = setTimeout(
            () => socket.close(UNAUTHORIZED_CLOSE, 'Access token expired'),
            Math.min(user.exp * 1000 - Date.now(), 2 ** 31 - 1),
          ).unref();
          ctx.extra.session = session;
          return true;
        } catch (error) {
          if (isDomainError(error)) {
            // 4401 here, not `return false` alone (4403), which graphql-ws clients retry.
            socket.close(UNAUTHORIZED_CLOSE, error.message);
          } else {
            logger.error({ err: error }, 'could not authenticate a socket');
            socket.close(TRY_AGAIN_LATER, 'Try again later');
          }
          return false;
        }
      },
      onClose(ctx) {
        const session = ctx.extra.session;
        if (!session) return;
        clearTimeout(session.expiryTimer);
        const open = (socketsOf.get(session.user.id) ?? 1) - 1;
        if (open > 0) socketsOf.set(session.user.id, open);
        else socketsOf.delete(session.user.id);
      },
      onSubscribe(ctx, _id, payload) {
        const session = ctx.extra.session;
        if (!session) return [new GraphQLError('Unauthorized', { extensions: { code: 'UNAUTHENTICATED' } })];
        // ctx.subscriptions already holds this one.
        if (Object.keys(ctx.subscriptions).length > config.SUBSCRIPTIONS_PER_SOCKET) {
          const limit = config.SUBSCRIPTIONS_PER_SOCKET;
          return [
            new GraphQLError(`You have reached the limit of ${limit} subscriptions on this socket`, {
              extensions: { code: 'LIMIT_EXCEEDED', resource: 'subscriptions', limit },
            }),
          ];
        }
        return prepare(session, payload);
      },
      subscribe: (args) => subscribe(args),
      // Results are the gateway's formatted (masked) responses: send them as they are.
      onNext: (_ctx, _id, _payload, _args, result) => result as FormattedExecutionResult,
    },
    wss,
  );

  function prepare(session: Session, payload: SubscribePayload): ExecutionArgs | readonly GraphQLError[] {
    if (!current) return [new GraphQLError('Subscriptions are not available yet', { extensions: { code: 'BAD_REQUEST' } })];
    // The limits of an HTTP request hold here too: tokens and nesting before parse, the rest after validation.
    const textError = checkQueryText(config, payload.query);
    if (textError) return [overSocket(textError)];
    let document: DocumentNode;
    try {
      document = parse(payload.query, { maxTokens: config.MAX_QUERY_TOKENS });
    } catch (error) {
      return [withCode(error as GraphQLError, 'GRAPHQL_PARSE_FAILED')];
    }
    let errors: readonly GraphQLError[];
    try {
      errors = validate(current.schema, document);
    } catch (error) {
      // graphql 16's single-field rule throws on `@skip(if: $var)` at the root instead of reporting it.
      errors = [error instanceof GraphQLError ? error : new GraphQLError('Invalid subscription')];
    }
    if (errors.length > 0) return errors.map((e) => withCode(e, 'GRAPHQL_VALIDATION_FAILED'));
    const operation = getOperationAST(document, payload.operationName);
    if (!operation) return [new GraphQLError('Unable to identify operation', { extensions: { code: 'BAD_REQUEST' } })];
    if (operation.operation !== 'subscription') {
      return [
        new GraphQLError('Only subscriptions are served over WebSocket; send queries and mutations over HTTP', {
          extensions: { code: 'BAD_REQUEST' },
        }),
      ];
    }
    const tooMuch = checkOperation(config, current.schema, document, operation, payload.variables ?? {});
    if (tooMuch) return [overSocket(tooMuch)];
    const plan = planRefetch(current, document, operation, payload.variables);
    if ('errors' in plan) return plan.errors.map((e) => withCode(e, 'BAD_USER_INPUT'));
    const contextValue: OperationContext = { session, plan };
    return {
      schema: current.schema,
      document,
      operationName: payload.operationName,
      variableValues: payload.variables,
      contextValue,
    };
  }

  async function subscribe(args: ExecutionArgs): Promise<AsyncIterable<ExecutionResult> | ExecutionResult> {
    const context = args.contextValue as OperationContext;
    try {
      // Formatted errors are plain objects; onNext passes them through untouched.
      return (await openOperationStream(deps, context)) as AsyncIterable<ExecutionResult>;
    } catch (err) {
      context.session.logger.error({ err }, 'could not listen to the user channel');
      return INTERNAL_ERROR_RESULT as ExecutionResult;
    }
  }

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
    updateSchema(apiSchema) {
      try {
        current = buildSubscriptionSchema(apiSchema);
        logger.info({ fields: current.fields.map((f) => f.name) }, 'subscription schema updated');
      } catch (err) {
        // Keep serving the previous schema rather than none.
        logger.error({ err }, 'could not build the subscription schema');
      }
    },
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

/**
 * A client's broken frame (a message over the size limit, invalid UTF-8, a bad opcode) makes ws
 * close the socket with the matching code (1009, 1007, 1002) and then emit `error`, which
 * graphql-ws prints to stderr as an internal error. Such errors are the client's: log them as
 * information and keep them from graphql-ws; any other socket error still reaches it.
 */
function quietProtocolErrors(logger: Logger) {
  return (socket: WebSocket) => {
    const emit = socket.emit.bind(socket);
    socket.emit = ((event: string | symbol, ...args: unknown[]) => {
      const code = (args[0] as { code?: unknown } | undefined)?.code;
      if (event === 'error' && typeof code === 'string' && code.startsWith('WS_ERR_')) {
        logger.info({ code }, 'websocket closed: the client sent a frame the protocol does not allow');
        return true;
      }
      return emit(event, ...args);
    }) as typeof socket.emit;
  };
}
