import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { formatError, isUnavailable, limitExceeded } from './index.js';

// Shapes copied from what the fault test logged (Prisma 6.19 with @prisma/adapter-pg, ioredis 6).
const prismaUnreachable = Object.assign(new Error('Invalid `this.prisma.transaction.findUnique()` invocation'), {
  name: 'PrismaClientKnownRequestError',
  code: 'P1001',
  meta: { driverAdapterError: { name: 'DriverAdapterError', cause: { kind: 'DatabaseNotReachable', host: '127.0.0.1', port: 5432 } } },
});
const adapterClosed = Object.assign(new Error('ConnectionClosed'), { name: 'DriverAdapterError' });
const redisGone = Object.assign(new Error('Reached the max retries per request limit (which is 2).'), { name: 'MaxRetriesPerRequestError' });

describe('isUnavailable', () => {
  it('recognizes PostgreSQL and Redis outages, also wrapped', () => {
    expect(isUnavailable(prismaUnreachable)).toBe(true);
    expect(isUnavailable(adapterClosed)).toBe(true);
    expect(isUnavailable(redisGone)).toBe(true);
    expect(isUnavailable({ originalError: new Error('x', { cause: new Error('Connection terminated unexpectedly') }) })).toBe(true);
    expect(isUnavailable(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }))).toBe(true);
    // An interactive transaction that expired while the process stalled; Prisma rolled it back.
    expect(isUnavailable(Object.assign(new Error('Transaction API error: A query cannot be executed on an expired transaction.'), { code: 'P2028' }))).toBe(true);
  });

  // What pg 8's Pool threw here for a closed port and for a server that reset the connection.
  it('recognizes what a plain pg pool throws when PostgreSQL refuses, resets or never answers', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED', errno: -111, syscall: 'connect' });
    expect(isUnavailable(refused)).toBe(true);
    expect(isUnavailable({ originalError: refused })).toBe(true);
    expect(isUnavailable(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isUnavailable(new Error('timeout exceeded when trying to connect'))).toBe(true);
  });

  it('leaves bugs and constraint violations alone', () => {
    expect(isUnavailable(new TypeError("Cannot read properties of undefined (reading 'id')"))).toBe(false);
    expect(isUnavailable(Object.assign(new Error('Unique constraint failed'), { code: 'P2002' }))).toBe(false);
    expect(isUnavailable(Object.assign(new Error('deadlock detected'), { code: '40P01' }))).toBe(false);
  });
});

describe('formatError', () => {
  const formatted = { message: 'x', path: ['createTransaction'] };

  it('answers SERVICE_UNAVAILABLE for an outage and reports it as such, not as an internal error', () => {
    const seen: string[] = [];
    const out = formatError(formatted, new GraphQLError('x', { originalError: prismaUnreachable }), () => seen.push('internal'), () => seen.push('unavailable'));
    expect(out.extensions).toEqual({ code: 'SERVICE_UNAVAILABLE' });
    expect(out.message).not.toMatch(/prisma|invocation/i);
    expect(seen).toEqual(['unavailable']);
  });

  it('shows a quota with its resource and limit', () => {
    const out = formatError(formatted, new GraphQLError('x', { originalError: limitExceeded('rules', 500) }));
    expect(out.extensions).toEqual({ code: 'LIMIT_EXCEEDED', resource: 'rules', limit: 500 });
  });
});
