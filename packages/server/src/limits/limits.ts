import type { ApolloServerPlugin } from '@apollo/server';
import type { RequestHandler } from 'express';
import {
  GraphQLError,
  type DocumentNode,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { formatError } from '@centavo/errors';
import type { Logger } from '@centavo/logger';
import { countAliases, measureOperation, scanQuery, selectOperation } from './analysis.js';

/** The size limits of one operation (the same variables configure the gateway and every subgraph). */
export interface QueryLimits {
  MAX_QUERY_DEPTH: number;
  MAX_QUERY_COST: number;
  MAX_ALIASES: number;
  MAX_QUERY_TOKENS: number;
}

/** The codes of the limits; formatError must let them through (they are not domain errors). */
export const LIMIT_CODES = new Set(['QUERY_TOO_DEEP', 'QUERY_TOO_COMPLEX', 'TOO_MANY_ALIASES', 'TOO_MANY_TOKENS']);

/** A limit's error as clients see it, or undefined for every other error. */
export function formatLimitError(formatted: GraphQLFormattedError): GraphQLFormattedError | undefined {
  const code = formatted.extensions?.code;
  if (typeof code !== 'string' || !LIMIT_CODES.has(code)) return undefined;
  return { message: formatted.message, extensions: { ...formatted.extensions } };
}

/**
 * Apollo Server's formatError for Centavo's servers (gateway and subgraphs): limit errors as they
 * are, every other error through the domain masking, with internal errors logged and dependency
 * outages warned about.
 */
export function loggedErrorFormatter(logger: Pick<Logger, 'error' | 'warn'>) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError =>
    formatLimitError(formatted) ??
    formatError(
      formatted,
      error,
      (internal) => logger.error({ err: internal }, 'internal error'),
      (unavailable) => logger.warn({ err: unavailable }, 'dependency unavailable'),
    );
}

/**
 * The document has no operation to run under the request's operationName. Apollo Server leaves
 * that to the executor, and Apollo Gateway then throws an error clients saw as INTERNAL_SERVER_ERROR.
 */
export function unresolvedOperation(operationName: string | null | undefined): GraphQLError {
  const message = operationName ? `Unknown operation named "${operationName.slice(0, 100)}".` : 'Must provide operation name if query contains multiple operations.';
  return new GraphQLError(message, { extensions: { code: 'OPERATION_RESOLUTION_FAILURE', http: { status: 400 } } });
}

const tooMuch = (code: string, message: string, extensions: Record<string, number>) =>
  new GraphQLError(message, { extensions: { code, ...extensions, http: { status: 400 } } });

/**
 * Braces allowed before parse: fields nest one brace each, input objects in arguments a few
 * more, and the standard introspection query 10 at any depth limit. The exact field depth is
 * measured after parse; this bound only keeps the parser's recursion and work small.
 */
export const braceLimit = (limits: Pick<QueryLimits, 'MAX_QUERY_DEPTH'>) => limits.MAX_QUERY_DEPTH + 10;

/** Tokens and brace nesting of a query text, checked with the lexer before any parse. */
export function checkQueryText(limits: QueryLimits, query: string): GraphQLError | undefined {
  const maxBraces = braceLimit(limits);
  const scan = scanQuery(query, limits.MAX_QUERY_TOKENS, maxBraces);
  if (scan.tokens > limits.MAX_QUERY_TOKENS) {
    return tooMuch('TOO_MANY_TOKENS', `Query has more than ${limits.MAX_QUERY_TOKENS} tokens`, { maxTokens: limits.MAX_QUERY_TOKENS });
  }
  if (scan.braceDepth > maxBraces) {
    return tooMuch('QUERY_TOO_DEEP', `Query nests more than ${maxBraces} levels of braces; its depth may be at most ${limits.MAX_QUERY_DEPTH}`, {
      maxDepth: limits.MAX_QUERY_DEPTH,
    });
  }
  return undefined;
}

/**
 * What a subgraph admits under the same settings. The gateway's query plans add to the client's
 * operation: entity wrappers, keys and `__typename` (tokens), aliases of their own (one per
 * subscription refetch), and `_entities` counts the objects actually found where the gateway
 * estimated an unpaged list at DEFAULT_LIST_SIZE. Depth never grows: `_entities` replaces the
 * field that led to the entity. A direct caller still meets a bound of the same order.
 */
export function subgraphLimits(limits: QueryLimits): QueryLimits {
  return {
    MAX_QUERY_DEPTH: limits.MAX_QUERY_DEPTH,
    MAX_QUERY_TOKENS: 2 * limits.MAX_QUERY_TOKENS,
    MAX_ALIASES: 2 * limits.MAX_ALIASES + 1,
    MAX_QUERY_COST: 2 * limits.MAX_QUERY_COST,
  };
}

/** Aliases, depth and cost of a parsed and validated operation. */
export function checkOperation(
  limits: QueryLimits,
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> = {},
): GraphQLError | undefined {
  const aliases = countAliases(document);
  if (aliases > limits.MAX_ALIASES) {
    return tooMuch('TOO_MANY_ALIASES', `Query uses ${aliases} aliases; at most ${limits.MAX_ALIASES} are allowed`, { aliases, maxAliases: limits.MAX_ALIASES });
  }
  const { depth, cost } = measureOperation(schema, document, operation, variables);
  if (depth > limits.MAX_QUERY_DEPTH) {
    return tooMuch('QUERY_TOO_DEEP', `Query depth ${depth} exceeds the maximum of ${limits.MAX_QUERY_DEPTH}`, { depth, maxDepth: limits.MAX_QUERY_DEPTH });
  }
  if (cost > limits.MAX_QUERY_COST) {
    return tooMuch('QUERY_TOO_COMPLEX', `Query cost ${cost} exceeds the maximum of ${limits.MAX_QUERY_COST}`, { cost, maxCost: limits.MAX_QUERY_COST });
  }
  return undefined;
}

/**
 * Refuses operations over the size limits once parsed and validated, before anything executes.
 * Tokens are bounded earlier: queryGuard on HTTP, and `parseOptions.maxTokens` for every parse.
 */
export function queryLimitsPlugin<TContext extends object>(limits: QueryLimits): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, operation, schema }) {
          const selected = operation ?? selectOperation(document, request.operationName);
          if (!selected) throw unresolvedOperation(request.operationName);
          const error = checkOperation(limits, schema, document, selected, request.variables ?? {});
          if (error) throw error;
        },
      };
    },
  };
}

const send = (res: Parameters<RequestHandler>[1], status: number, message: string, extensions: Record<string, unknown>) => {
  res.status(status).json({ errors: [{ message, extensions }] });
};

/** What queryGuard answers instead of running the request: always a 400. */
export interface GuardRefusal {
  status: 400;
  message: string;
  extensions: Record<string, unknown>;
}

/**
 * The check of queryGuard on a parsed body (and, for GET, the query string's `query`): a batched
 * (array) body, or a query text over the token or nesting limits, is refused before anything
 * parses it. Shared with the in-process path (in-process.ts), which has no Express.
 */
export function guardRequest(limits: QueryLimits, body: unknown, queryParam?: unknown): GuardRefusal | undefined {
  if (Array.isArray(body)) {
    return { status: 400, message: 'Batched requests are not supported: send one operation per request', extensions: { code: 'BAD_REQUEST' } };
  }
  const fromBody = typeof body === 'object' && body !== null ? (body as { query?: unknown }).query : undefined;
  const query = typeof fromBody === 'string' ? fromBody : queryParam;
  const error = typeof query === 'string' ? checkQueryText(limits, query) : undefined;
  if (!error) return undefined;
  const { http: _http, ...extensions } = error.extensions;
  return { status: 400, message: error.message, extensions };
}

/**
 * Express middleware for /graphql after the JSON body parser, before Apollo: refuses batched
 * (array) bodies and query texts over the token or nesting limits before anything parses them.
 */
export function queryGuard(limits: QueryLimits): RequestHandler {
  return (req, res, next) => {
    const refusal = guardRequest(limits, req.body, req.method === 'GET' ? req.query.query : undefined);
    if (refusal) {
      send(res, refusal.status, refusal.message, refusal.extensions);
      return;
    }
    next();
  };
}
