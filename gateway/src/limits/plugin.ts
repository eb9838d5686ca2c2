import { HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import type { AuthRuntime } from '@centavo/auth-tokens';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { GatewayConfig } from '../config.js';
import type { GatewayContext } from '../context.js';
import { countAliases, countTokens, operationCost, operationDepth, rootFields, selectOperation } from './analysis.js';
import { FixedWindowLimiter } from '@centavo/server';

export type LimitsConfig = Pick<
  GatewayConfig,
  | 'REDIS_PREFIX'
  | 'MAX_QUERY_DEPTH'
  | 'MAX_QUERY_COST'
  | 'MAX_ALIASES'
  | 'MAX_QUERY_TOKENS'
  | 'USER_RATE_LIMIT_PER_MINUTE'
  | 'IP_RATE_LIMIT_PER_MINUTE'
  | 'LOGIN_RATE_LIMIT_PER_MINUTE'
  | 'REGISTER_RATE_LIMIT_PER_MINUTE'
>;

/** The codes of the limits; formatError must let them through (they are not domain errors). */
export const LIMIT_CODES = new Set(['QUERY_TOO_DEEP', 'QUERY_TOO_COMPLEX', 'TOO_MANY_ALIASES', 'TOO_MANY_TOKENS']);

/** A limit's error as clients see it, or undefined for every other error. */
export function formatLimitError(formatted: GraphQLFormattedError): GraphQLFormattedError | undefined {
  const code = formatted.extensions?.code;
  if (typeof code !== 'string' || !LIMIT_CODES.has(code)) return undefined;
  return { message: formatted.message, extensions: { ...formatted.extensions } };
}

/** The context of an HTTP request also carries the caller's address (set in index.ts). */
export type ContextWithIp = GatewayContext & { clientIp?: string };

const tooMuch = (code: string, message: string, extensions: Record<string, number>) =>
  new GraphQLError(message, { extensions: { code, ...extensions, http: { status: 400 } } });

function rateLimited(message: string, retryAfter: number): GraphQLError {
  return new GraphQLError(message, {
    extensions: {
      code: 'RATE_LIMITED',
      retryAfter,
      http: { status: 429, headers: new HeaderMap([['retry-after', String(retryAfter)]]) },
    },
  });
}

/**
 * Refuses, before any subgraph is called, operations over the size limits and callers over
 * their request rate. Size first: it costs no Redis round trip.
 */
export function limitsPlugin(config: LimitsConfig, redis: AuthRuntime['redis']): ApolloServerPlugin<GatewayContext> {
  const limiter = new FixedWindowLimiter(redis, config.REDIS_PREFIX);

  async function enforce(bucket: string, id: string, limit: number, message: string): Promise<void> {
    const result = await limiter.hit(bucket, id, limit);
    if (!result.allowed) throw rateLimited(`${message}; retry in ${result.retryAfter}s`, result.retryAfter);
  }

  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, operation, schema, contextValue }) {
          const tokens = countTokens(request.query ?? '', config.MAX_QUERY_TOKENS);
          if (tokens > config.MAX_QUERY_TOKENS) {
            throw tooMuch('TOO_MANY_TOKENS', `Query has more than ${config.MAX_QUERY_TOKENS} tokens`, { maxTokens: config.MAX_QUERY_TOKENS });
          }
          const aliases = countAliases(document);
          if (aliases > config.MAX_ALIASES) {
            throw tooMuch('TOO_MANY_ALIASES', `Query uses ${aliases} aliases; at most ${config.MAX_ALIASES} are allowed`, { aliases, maxAliases: config.MAX_ALIASES });
          }
          const selected = operation ?? selectOperation(document, request.operationName);
          if (!selected) return;
          const depth = operationDepth(document, selected);
          if (depth > config.MAX_QUERY_DEPTH) {
            throw tooMuch('QUERY_TOO_DEEP', `Query depth ${depth} exceeds the maximum of ${config.MAX_QUERY_DEPTH}`, { depth, maxDepth: config.MAX_QUERY_DEPTH });
          }
          const cost = operationCost(schema, document, selected, request.variables ?? {});
          if (cost > config.MAX_QUERY_COST) {
            throw tooMuch('QUERY_TOO_COMPLEX', `Query cost ${cost} exceeds the maximum of ${config.MAX_QUERY_COST}`, { cost, maxCost: config.MAX_QUERY_COST });
          }

          // Subscription refetches run in-process without an address: their socket was admitted already.
          const ip = (contextValue as ContextWithIp).clientIp;
          if (!ip) return;
          if (contextValue.user) {
            await enforce('user', contextValue.user.id, config.USER_RATE_LIMIT_PER_MINUTE, 'Too many requests');
          } else {
            await enforce('ip', ip, config.IP_RATE_LIMIT_PER_MINUTE, 'Too many requests from this address');
          }
          if (selected.operation !== 'mutation') return;
          for (const field of rootFields(selected, request.variables ?? {})) {
            if (field.name === 'login') {
              await enforce('login-ip', ip, config.LOGIN_RATE_LIMIT_PER_MINUTE, 'Too many login attempts');
              const input = field.args.input as { email?: unknown } | undefined;
              // Normalized as the auth subgraph does, so case and spaces do not reset the count.
              if (typeof input?.email === 'string') {
                await enforce('login-email', input.email.trim().toLowerCase(), config.LOGIN_RATE_LIMIT_PER_MINUTE, 'Too many login attempts');
              }
            } else if (field.name === 'register') {
              await enforce('register-ip', ip, config.REGISTER_RATE_LIMIT_PER_MINUTE, 'Too many registrations');
            }
          }
        },
      };
    },
  };
}
