import type { Express, Request, Response } from 'express';
import { GraphQLError } from 'graphql';
import type { TokenVerifier } from '@centavo/auth-tokens';
import { isDomainError, isUnavailable, UNAVAILABLE_MESSAGE_TEXT, type DomainError } from '@centavo/errors';
import type { Logger } from '@centavo/logger';
import { authenticate, isUuid, requestIdOf, sendJsonError } from '@centavo/server';
import { ImportFormat } from '../../generated/prisma/client.js';
import type { ImportMappingInput } from '../../resolvers.generated.js';
import type { ImportJobRecord } from './imports.repository.js';
import type { ImportsService } from './imports.service.js';
import type { ImportErrorEntry } from './parsers/types.js';

/** Where the gateway streams uploads to. Not in the supergraph; the caller's token is verified here again. */
export const UPLOAD_PATH = '/internal/imports';

const isEntry = (e: unknown): e is ImportErrorEntry =>
  typeof e === 'object' && e !== null && typeof (e as ImportErrorEntry).line === 'number' && typeof (e as ImportErrorEntry).message === 'string';

/** An ImportJob as GraphQL shows it (the same fields), for answers outside GraphQL. */
export function importJobJson(job: ImportJobRecord) {
  const { id, status, total, processed, imported, duplicates, detected } = job;
  return { id, status, total, processed, imported, duplicates, errors: Array.isArray(job.errors) ? job.errors.filter(isEntry) : [], detected: detected ?? null };
}

const STATUS: Partial<Record<string, number>> = { BAD_USER_INPUT: 400, UNAUTHENTICATED: 401, NOT_FOUND: 404, LIMIT_EXCEEDED: 413 };

function statusOf(error: DomainError): number {
  // Too many imports at once is a quota of the user, not of this request's size.
  if (error.code === 'LIMIT_EXCEEDED' && error.details?.resource === 'activeImports') return 429;
  return STATUS[error.code] ?? 400;
}

/**
 * POST /internal/imports?accountId=..&format=CSV[&mapping=<ImportMappingInput as JSON>][&notifyEachRow=true], the raw file as the body: what the gateway's
 * POST /imports streams to. The file goes to the database chunk by chunk as it arrives; the
 * answer is the queued job (202) or a JSON error with extensions.code.
 */
export function mountUploadRoute(app: Express, imports: ImportsService, verifier: TokenVerifier, logger: Logger): void {
  app.post(UPLOAD_PATH, (req, res) => {
    void upload(req, res, imports, verifier, logger);
  });
}

async function upload(req: Request, res: Response, imports: ImportsService, verifier: TokenVerifier, root: Logger): Promise<void> {
  const requestId = requestIdOf(req.headers);
  const logger = root.child({ requestId });
  const refuse = (status: number, code: string, message: string, extensions: Record<string, unknown> = {}) => {
    if (res.headersSent) return;
    if (!req.complete) {
      // Close the connection after the answer, but read (and drop) what the gateway is still
      // sending for a while: closing at once could reset its request before it reads the answer.
      res.set('connection', 'close');
      req.resume();
      const timer = setTimeout(() => req.destroy(), 10_000);
      req.once('close', () => clearTimeout(timer));
    }
    res.status(status).set('cache-control', 'no-store').json({ errors: [{ message, extensions: { code, ...extensions } }] });
  };
  try {
    const { user } = await authenticate(verifier, req.headers);
    if (!user) return refuse(401, 'UNAUTHENTICATED', 'Authentication required');
    const { accountId, format } = req.query;
    if (!isUuid(accountId)) return refuse(404, 'NOT_FOUND', 'Account not found');
    if (typeof format !== 'string' || !Object.hasOwn(ImportFormat, format)) {
      return refuse(400, 'BAD_USER_INPUT', `format must be one of ${Object.keys(ImportFormat).join(', ')}`, { field: 'format' });
    }
    let mapping: ImportMappingInput | null = null;
    if (typeof req.query.mapping === 'string') {
      try {
        mapping = JSON.parse(req.query.mapping) as ImportMappingInput;
      } catch {
        return refuse(400, 'BAD_USER_INPUT', 'mapping must be a JSON object of ImportMappingInput', { field: 'mapping' });
      }
      if (typeof mapping !== 'object' || mapping === null || Array.isArray(mapping)) {
        return refuse(400, 'BAD_USER_INPUT', 'mapping must be a JSON object of ImportMappingInput', { field: 'mapping' });
      }
    }
    const length = req.headers['content-length'];
    const declared = length !== undefined && /^\d+$/.test(length) ? Number(length) : undefined;
    // Refusing midway (too large) must not destroy the request: the answer still has to go out on it.
    const source = req.iterator({ destroyOnReturn: false });
    const job = await imports.upload(user, { accountId, format: format as ImportFormat, mapping, notifyEachRow: req.query.notifyEachRow === 'true' }, source, requestId, declared);
    logger.info({ importId: job.id, userId: user.id }, 'import uploaded');
    res.status(202).set('cache-control', 'no-store').json(importJobJson(job));
  } catch (error) {
    if (req.destroyed && !req.complete) {
      logger.info('upload aborted by the client: nothing stored');
      return;
    }
    if (error instanceof GraphQLError) {
      const http = error.extensions.http as { status?: number } | undefined;
      return refuse(http?.status ?? 401, String(error.extensions.code ?? 'UNAUTHENTICATED'), error.message);
    }
    if (isDomainError(error)) return refuse(statusOf(error), error.code, error.message, { ...(error.field ? { field: error.field } : {}), ...(error.details ?? {}) });
    if (isUnavailable(error)) return refuse(503, 'SERVICE_UNAVAILABLE', UNAVAILABLE_MESSAGE_TEXT);
    logger.error({ err: error }, 'upload failed');
    if (!res.headersSent) sendJsonError(res, { status: 500, code: 'INTERNAL_SERVER_ERROR', message: 'Internal server error' });
  }
}
