import { GraphQLError, type GraphQLFormattedError } from 'graphql';

/** The error codes of the public contract (`extensions.code`). */
export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'BAD_USER_INPUT'
  | 'CONFLICT'
  | 'RATE_LIMITED'
  /** A per-user quota (rules, categories, accounts, sockets...) is full; `extensions.limit` says how many. */
  | 'LIMIT_EXCEEDED'
  | 'INTERNAL_SERVER_ERROR';

const PUBLIC_CODES = new Set<string>([
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'BAD_USER_INPUT',
  'CONFLICT',
  'RATE_LIMITED',
  'LIMIT_EXCEEDED',
  // A subgraph is down or too slow: its fields fail fast, the rest of the answer stands.
  'SERVICE_UNAVAILABLE',
  'GRAPHQL_VALIDATION_FAILED',
  'GRAPHQL_PARSE_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

/** A domain failure with a contract code; services throw these, never GraphQLError. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
    /** More for clients in `extensions` (a quota's `limit`, a rate limit's `retryAfter`). */
    readonly details?: Readonly<Record<string, string | number>>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

/**
 * Recognizes a DomainError by its shape, not by identity: a module loaded twice (test
 * runners, bundlers) would otherwise turn every domain error into an internal one.
 */
export function isDomainError(error: unknown): error is DomainError {
  return (
    error instanceof Error &&
    error.name === 'DomainError' &&
    typeof (error as DomainError).code === 'string'
  );
}

export const notFound = (what: string) => new DomainError('NOT_FOUND', `${what} not found`);
export const badInput = (field: string, message: string) => new DomainError('BAD_USER_INPUT', message, field);
export const unauthenticated = (message = 'Authentication required') =>
  new DomainError('UNAUTHENTICATED', message);
export const conflict = (message: string, field?: string) => new DomainError('CONFLICT', message, field);

/**
 * A per-user quota is full: `what` names the resource (`rules`, `accounts`), `limit` its
 * configured maximum. Clients see LIMIT_EXCEEDED with `extensions.resource` and `extensions.limit`.
 */
export const limitExceeded = (what: string, limit: number, message = `You have reached the limit of ${limit} ${what}`, field?: string) =>
  new DomainError('LIMIT_EXCEEDED', message, field, { resource: what, limit });

export const rateLimited = (message: string, retryAfter: number) => new DomainError('RATE_LIMITED', message, undefined, { retryAfter });

/** The extensions a domain error shows clients. */
function extensionsOf(error: DomainError): Record<string, unknown> {
  return { code: error.code, ...(error.field ? { field: error.field } : {}), ...(error.details ?? {}) };
}

export function toGraphQLError(error: DomainError): GraphQLError {
  return new GraphQLError(error.message, { extensions: extensionsOf(error) });
}

/**
 * The single place where errors become what clients see: domain errors keep their code and
 * field, known GraphQL codes pass, everything else is masked as INTERNAL_SERVER_ERROR.
 */
export function formatError(
  formatted: GraphQLFormattedError,
  error: unknown,
  onInternal?: (error: unknown) => void,
): GraphQLFormattedError {
  const original = unwrap(error);
  if (isDomainError(original)) {
    return {
      message: original.message,
      path: formatted.path,
      locations: formatted.locations,
      extensions: extensionsOf(original),
    };
  }
  const code = formatted.extensions?.code;
  if (typeof code === 'string' && PUBLIC_CODES.has(code)) {
    // serviceName (added by the gateway) names internal topology; clients need only the code.
    const { stacktrace: _stack, exception: _exception, serviceName: _service, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions };
  }
  onInternal?.(original ?? error);
  return {
    message: 'Internal server error',
    path: formatted.path,
    locations: formatted.locations,
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  };
}

// By shape too: graphql can be loaded both as CommonJS and as ESM in one process.
function unwrap(error: unknown): unknown {
  let current = error;
  while (current && typeof current === 'object' && (current as { originalError?: unknown }).originalError) {
    current = (current as { originalError: unknown }).originalError;
  }
  return current;
}
