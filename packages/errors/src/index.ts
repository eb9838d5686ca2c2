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
  /** PostgreSQL or Redis cannot be reached right now: nothing was changed, try again shortly. */
  | 'SERVICE_UNAVAILABLE'
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

export const isDomainError = (error: unknown): error is DomainError => error instanceof DomainError;

export const notFound = (what: string) => new DomainError('NOT_FOUND', `${what} not found`);
export const badInput = (field: string, message: string) => new DomainError('BAD_USER_INPUT', message, field);
export const unauthenticated = (message = 'Authentication required') =>
  new DomainError('UNAUTHENTICATED', message);
/** The caller may see the object but not do this to it (a VIEWER writing a shared account). */
export const forbidden = (message: string, field?: string) => new DomainError('FORBIDDEN', message, field);
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

// Prisma: can't reach the server, timed out, server closed the connection, no pooled connection in
// time, and a transaction that could not start or expired (P2028: overload or a stalled process;
// it was rolled back).
const PRISMA_UNAVAILABLE = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2028']);
// @prisma/adapter-pg's names for socket-level failures.
const ADAPTER_UNAVAILABLE = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections']);
// PostgreSQL: connection exceptions (08), shutting down (57P01-03), too many connections (53300).
const PG_UNAVAILABLE = /^(08...|57P0[123]|53300)$/;
// Node's socket errors, as the plain \`pg\` pools (the readers) and ioredis throw them when the server
// refuses, resets or never answers a connection.
const SOCKET_UNAVAILABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
// pg and ioredis messages for a connection that went away or could not be made in time.
const UNAVAILABLE_MESSAGE =
  /^(Connection terminated unexpectedly|Connection terminated due to connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Connection is closed\.|Stream isn't writeable)/;

type Inspected = { name?: unknown; code?: unknown; message?: unknown; cause?: unknown; originalError?: unknown; meta?: { driverAdapterError?: { cause?: { kind?: unknown; originalCode?: unknown } } } };

/**
 * Whether an error means a dependency (PostgreSQL, Redis) is unreachable rather than a bug:
 * clients get SERVICE_UNAVAILABLE and retry, operators get a warning instead of an error.
 * Recognized by shape (Prisma, the pg adapter, pg, ioredis), through `cause` chains.
 */
export function isUnavailable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current && typeof current === 'object'; depth++) {
    const e = current as Inspected;
    const adapter = e.meta?.driverAdapterError?.cause;
    if (typeof e.code === 'string' && (PRISMA_UNAVAILABLE.has(e.code) || PG_UNAVAILABLE.test(e.code) || SOCKET_UNAVAILABLE.has(e.code))) return true;
    if (typeof adapter?.kind === 'string' && ADAPTER_UNAVAILABLE.has(adapter.kind)) return true;
    if (typeof adapter?.originalCode === 'string' && PG_UNAVAILABLE.test(adapter.originalCode)) return true;
    if (e.name === 'MaxRetriesPerRequestError') return true;
    if (e.name === 'DriverAdapterError' && typeof e.message === 'string' && ADAPTER_UNAVAILABLE.has(e.message)) return true;
    if (typeof e.message === 'string' && UNAVAILABLE_MESSAGE.test(e.message)) return true;
    current = e.originalError ?? e.cause;
  }
  return false;
}

export const UNAVAILABLE_MESSAGE_TEXT = 'A service Centavo depends on is unavailable; nothing was changed, try again shortly';

/**
 * The single place where errors become what clients see: domain errors keep their code and
 * field, known GraphQL codes pass, everything else is masked as INTERNAL_SERVER_ERROR.
 */
export function formatError(
  formatted: GraphQLFormattedError,
  error: unknown,
  onInternal?: (error: unknown) => void,
  onUnavailable?: (error: unknown) => void,
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
  if (isUnavailable(original ?? error)) {
    onUnavailable?.(original ?? error);
    return { message: UNAVAILABLE_MESSAGE_TEXT, path: formatted.path, locations: formatted.locations, extensions: { code: 'SERVICE_UNAVAILABLE' } };
  }
  onInternal?.(original ?? error);
  return {
    message: 'Internal server error',
    path: formatted.path,
    locations: formatted.locations,
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  };
}

/** The error a resolver threw, under the GraphQLErrors that wrap it. */
function unwrap(error: unknown): unknown {
  let current = error;
  while (current instanceof GraphQLError && current.originalError) current = current.originalError;
  return current;
}
