import { request as httpRequest, type IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import busboy from 'busboy';
import type { Express, Request, Response } from 'express';
import { GraphQLError } from 'graphql';
import type { Logger } from '@centavo/logger';
import { requestIdOf, sendJsonError } from '@centavo/server';
import { callerOf, requestMeter, type RequestMeterOptions } from '../limits/request-meter.js';

/** The transactions subgraph's route the gateway streams uploads to (not part of the supergraph). */
export const UPSTREAM_PATH = '/internal/imports';
/** How long a refused upload's remaining body is read (and dropped) so the client sees the answer. */
const DRAIN_MS = 10_000;

/** What an upload names besides its file, as query parameters or multipart fields before it (mapping: ImportMappingInput as JSON; notifyEachRow: true). */
const UPLOAD_PARAMS = ['accountId', 'format', 'mapping', 'notifyEachRow'];

export interface ImportUploadOptions extends RequestMeterOptions {
  /** The transactions subgraph's GraphQL URL; the upload route is on the same server. */
  transactionsUrl: string;
  /** IMPORT_MAX_BYTES: a declared length over it is refused here, before anything is sent on. */
  maxBytes: number;
  /** After the subgraph accepted an upload (a new import job), before the client hears of it: the response cache's invalidation. */
  onAccepted?: (userId: string) => Promise<void>;
}

/**
 * POST /imports?accountId=..&format=CSV with `Authorization: Bearer <access token>`: a statement
 * file of any size up to IMPORT_MAX_BYTES, as the raw body or the `file` field of a
 * multipart/form-data body (accountId, format and mapping may also be fields before it). Metered like
 * /graphql; the file is streamed to the transactions subgraph as it arrives, never held here.
 * Answers the ImportJob (202, the same fields as GraphQL) or `{ errors: [{ message, extensions: { code } }] }`.
 */
export function mountImportUpload(app: Express, options: ImportUploadOptions): void {
  const target = new URL(UPSTREAM_PATH, options.transactionsUrl);
  app.post('/imports', requestMeter(options), (req, res) => {
    const length = req.headers['content-length'];
    if (length !== undefined && /^\d+$/.test(length) && Number(length) > options.maxBytes) {
      drain(req, res);
      res.status(413).set('cache-control', 'no-store').json({
        errors: [{ message: `the file must be at most ${options.maxBytes} bytes`, extensions: { code: 'LIMIT_EXCEEDED', resource: 'importBytes', limit: options.maxBytes, field: 'file' } }],
      });
      return;
    }
    void forward(req, res, target, options.logger, options.onAccepted);
  });
}

function refuse(req: Request, res: Response, status: number, code: string, message: string): void {
  if (res.headersSent) return;
  drain(req, res);
  sendJsonError(res, { status, code, message });
}

/** Reads and drops what the client still sends, for a while, so it reads the answer instead of a reset. */
function drain(req: Request, res: Response): void {
  if (req.complete) return;
  res.set('connection', 'close');
  req.resume();
  const timer = setTimeout(() => req.destroy(), DRAIN_MS);
  req.once('end', () => clearTimeout(timer));
  req.once('close', () => clearTimeout(timer));
}

async function forward(req: Request, res: Response, target: URL, logger: Logger, onAccepted?: (userId: string) => Promise<void>): Promise<void> {
  let caller: ReturnType<typeof callerOf>;
  try {
    caller = callerOf(req);
  } catch (error) {
    const e = error as GraphQLError;
    return refuse(req, res, 401, String(e.extensions?.code ?? 'UNAUTHENTICATED'), e.message);
  }
  if (!caller?.user || !caller.token) return refuse(req, res, 401, 'UNAUTHENTICATED', 'Authentication required');
  const requestId = requestIdOf(req.headers);
  const params = new URLSearchParams();
  for (const name of UPLOAD_PARAMS) {
    const value = req.query[name];
    if (typeof value === 'string') params.set(name, value);
  }

  let body: Readable;
  let length: string | undefined;
  if (/^multipart\/form-data/i.test(req.headers['content-type'] ?? '')) {
    let file: Readable | null;
    try {
      file = await fileOf(req, params);
    } catch {
      return refuse(req, res, 400, 'BAD_REQUEST', 'The multipart body could not be read');
    }
    if (!file) return refuse(req, res, 400, 'BAD_USER_INPUT', 'The multipart body has no `file` field');
    body = file;
  } else {
    body = req;
    length = req.headers['content-length'];
  }

  const url = new URL(target);
  url.search = params.toString();
  const upstream = httpRequest(url, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${caller.token}`,
      'x-request-id': requestId,
      'content-type': 'application/octet-stream',
      ...(length ? { 'content-length': length } : {}),
    },
  });
  // The client went away mid-upload: so does the upload to the subgraph, which keeps nothing of it.
  const onClose = () => {
    if (!req.complete) upstream.destroy(new Error('upload aborted by the client'));
  };
  req.once('close', onClose);
  body.once('error', (err) => upstream.destroy(err));
  body.pipe(upstream);

  let response: IncomingMessage;
  try {
    response = await new Promise<IncomingMessage>((resolve, reject) => {
      upstream.once('response', resolve);
      upstream.once('error', reject);
    });
  } catch (err) {
    if (!req.complete && req.destroyed) {
      logger.info({ requestId }, 'upload aborted by the client');
      return;
    }
    logger.warn({ err, requestId }, 'upload not taken by the transactions subgraph');
    return refuse(req, res, 503, 'SERVICE_UNAVAILABLE', 'The upload could not be stored now; try again shortly');
  }
  upstream.on('error', () => undefined);
  const status = response.statusCode ?? 502;
  if (onAccepted && status >= 200 && status < 300) await onAccepted(caller.user.id);
  res.status(response.statusCode ?? 502).set('content-type', response.headers['content-type'] ?? 'application/json').set('cache-control', 'no-store');
  if (req.complete) {
    response.pipe(res);
    return;
  }
  // Answered before the whole file went (refused): read the short answer, stop sending the file.
  const answer: Buffer[] = [];
  try {
    for await (const part of response) answer.push(part as Buffer);
  } catch {
    // The subgraph closed the connection right after its answer: what came is what there is.
  }
  body.unpipe(upstream);
  upstream.destroy();
  req.off('close', onClose);
  drain(req, res);
  res.end(Buffer.concat(answer));
}

/** The `file` field's stream of a multipart body (fields before it may name accountId and format); null without one. */
function fileOf(req: Request, params: URLSearchParams): Promise<Readable | null> {
  return new Promise((resolve, reject) => {
    const form = busboy({ headers: req.headers, limits: { files: 1, fields: 10, fieldSize: 8192, parts: 20 } });
    let found = false;
    form.on('field', (name, value) => {
      if (UPLOAD_PARAMS.includes(name) && !params.has(name)) params.set(name, value);
    });
    form.on('file', (name, stream) => {
      if (name !== 'file' || found) {
        stream.resume();
        return;
      }
      found = true;
      req.once('close', () => {
        if (!req.complete) stream.destroy(new Error('upload aborted by the client'));
      });
      resolve(stream);
    });
    form.on('close', () => {
      if (!found) resolve(null);
    });
    form.on('error', reject);
    req.once('close', () => {
      if (!found && !req.complete) reject(new Error('upload aborted by the client'));
    });
    req.pipe(form);
  });
}
