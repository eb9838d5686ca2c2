import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { AddressRefused, resolveTarget, type AddressPolicy, type Resolver } from './webhook-address.js';
import { signatureHeader } from './webhook-signature.js';

export interface OutgoingDelivery {
  url: string;
  secret: string;
  eventId: string;
  eventType: string;
  body: string;
}

export type SendResult = { ok: true; statusCode: number } | { ok: false; statusCode: number | null; error: string };

export interface SenderOptions {
  policy: AddressPolicy;
  timeoutMs: number;
  /** Tests resolve names their own way; default: the system resolver. */
  resolve?: Resolver;
  now?: () => number;
}

/** How much of a receiver's answer is read (and thrown away): enough to reuse the socket. */
const MAX_ANSWER_BYTES = 64 * 1024;

/**
 * POSTs one signed delivery. The host is resolved and checked first, and the socket connects to
 * that checked address (a custom `lookup`), so a second DNS answer cannot redirect it; TLS still
 * verifies the certificate against the URL's name. Redirects are not followed: a 3xx fails.
 */
export function createSender(options: SenderOptions) {
  const now = options.now ?? Date.now;
  return async function send(d: OutgoingDelivery): Promise<SendResult> {
    const url = new URL(d.url);
    let target: { address: string; family: 4 | 6 };
    try {
      target = await resolveTarget(url, options.policy, options.resolve);
    } catch (error) {
      const message = error instanceof AddressRefused ? error.message : `cannot resolve ${url.hostname}: ${(error as Error).message}`;
      return { ok: false, statusCode: null, error: message };
    }
    const pinned: LookupFunction = (_host, opts, callback) => {
      if ((opts as { all?: boolean }).all) (callback as (e: null, a: { address: string; family: number }[]) => void)(null, [target]);
      else callback(null, target.address, target.family);
    };
    const timestamp = Math.floor(now() / 1000);
    const headers = {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(d.body)),
      'user-agent': 'Centavo-Webhooks/1',
      'centavo-event-id': d.eventId,
      'centavo-event-type': d.eventType,
      'centavo-signature': signatureHeader(d.secret, d.body, timestamp),
    };
    const client = url.protocol === 'https:' ? https : http;
    return new Promise<SendResult>((resolve) => {
      let settled = false;
      const finish = (result: SendResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(result);
      };
      const request = client.request(url, { method: 'POST', headers, lookup: pinned, agent: false }, (response) => {
        let read = 0;
        response.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > MAX_ANSWER_BYTES) response.destroy();
        });
        const status = response.statusCode ?? 0;
        const done = () =>
          finish(status >= 200 && status < 300 ? { ok: true, statusCode: status } : { ok: false, statusCode: status, error: `the endpoint answered HTTP ${status}` });
        response.on('end', done);
        response.on('close', done);
        response.on('error', done);
      });
      const timer = setTimeout(() => {
        request.destroy();
        finish({ ok: false, statusCode: null, error: `no answer within ${options.timeoutMs} ms` });
      }, options.timeoutMs);
      request.on('error', (error) => finish({ ok: false, statusCode: null, error: error.message }));
      request.end(d.body);
    });
  };
}

export type Sender = ReturnType<typeof createSender>;
