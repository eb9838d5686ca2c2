import type { ErrorRequestHandler, Express, Response } from 'express';
import type { Logger } from '@centavo/logger';

/** What body-parser and http-errors put on the errors they pass to `next`. */
interface HttpError {
  status?: unknown;
  statusCode?: unknown;
  type?: unknown;
}

interface Answer {
  status: number;
  code: string;
  message: string;
}

// body-parser's error types: what the client got wrong, in the contract's shape.
const BODY_ERRORS: Record<string, Answer> = {
  'entity.parse.failed': { status: 400, code: 'BAD_REQUEST', message: 'The request body is not valid JSON' },
  'entity.verify.failed': { status: 400, code: 'BAD_REQUEST', message: 'The request body was refused' },
  'request.aborted': { status: 400, code: 'BAD_REQUEST', message: 'The request was aborted' },
  'request.size.invalid': { status: 400, code: 'BAD_REQUEST', message: 'The request body does not match its Content-Length' },
  'entity.too.large': { status: 413, code: 'PAYLOAD_TOO_LARGE', message: 'The request body is too large' },
  'parameters.too.many': { status: 413, code: 'PAYLOAD_TOO_LARGE', message: 'The request body has too many parameters' },
  'charset.unsupported': { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: 'The request body has an unsupported charset' },
  'encoding.unsupported': { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: 'The request body has an unsupported content encoding' },
};

function answerFor(error: unknown): Answer | null {
  const e = (error ?? {}) as HttpError;
  const known = typeof e.type === 'string' ? BODY_ERRORS[e.type] : undefined;
  if (known) return known;
  const status = typeof e.status === 'number' ? e.status : typeof e.statusCode === 'number' ? e.statusCode : 500;
  if (status >= 400 && status < 500) return { status, code: 'BAD_REQUEST', message: 'Bad request' };
  return null;
}

/** A GraphQL-shaped error body, as clients of /graphql parse every other error. */
export function sendJsonError(res: Response, { status, code, message }: Answer): void {
  res.status(status).set('cache-control', 'no-store').json({ errors: [{ message, extensions: { code } }] });
}

/**
 * Errors that reach Express (a malformed or oversized JSON body, a throwing route) answered as
 * JSON with a code, never Express's HTML page with a stack trace, in every NODE_ENV.
 */
export function jsonErrorHandler(logger?: Logger): ErrorRequestHandler {
  return (error: unknown, _req, res, next) => {
    // Too late for another answer: Express cuts the connection.
    if (res.headersSent) return next(error);
    const answer = answerFor(error);
    if (answer) return sendJsonError(res, answer);
    logger?.error({ err: error }, 'unhandled HTTP error');
    sendJsonError(res, { status: 500, code: 'INTERNAL_SERVER_ERROR', message: 'Internal server error' });
  };
}

/** Mount after every route: unknown paths and every error answer in JSON. */
export function mountErrorHandling(app: Express, logger?: Logger): void {
  app.use((_req, res) => sendJsonError(res, { status: 404, code: 'NOT_FOUND', message: 'Not found' }));
  app.use(jsonErrorHandler(logger));
}
