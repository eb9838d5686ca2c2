import { HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { checkOperation, rootFields, selectOperation, unresolvedOperation, type FixedWindowLimiter } from '@centavo/server';
import type { GatewayConfig } from '../config.js';
import type { GatewayContext } from '../context.js';

export type LimitsConfig = Pick<
  GatewayConfig,
  'MAX_QUERY_DEPTH' | 'MAX_QUERY_COST' | 'MAX_ALIASES' | 'MAX_QUERY_TOKENS' | 'LOGIN_RATE_LIMIT_PER_MINUTE' | 'REGISTER_RATE_LIMIT_PER_MINUTE'
>;

/** The context of an HTTP request also carries the caller's address (set in index.ts). */
export type ContextWithIp = GatewayContext & { clientIp?: string };

export function rateLimitedError(message: string, retryAfter: number): GraphQLError {
  return new GraphQLError(message, {
    extensions: {
      code: 'RATE_LIMITED',
      retryAfter,
      http: { status: 429, headers: new HeaderMap([['retry-after', String(retryAfter)]]) },
    },
  });
}

/**
 * After parse and validation, before any subgraph is called: the size limits (aliases, depth,
 * cost), then the attempts of `login` (per IP and per email) and `register` (per IP). Every
 * execution of those fields counts, however the operation writes it (fragments, aliases,
 * variables, @include). Requests themselves were counted before parse (request-meter.ts).
 */
export function limitsPlugin(config: LimitsConfig, limiter: FixedWindowLimiter): ApolloServerPlugin<GatewayContext> {
  async function enforce(bucket: string, id: string, limit: number, message: string): Promise<void> {
    const result = await limiter.hit(bucket, id, limit);
    if (!result.allowed) throw rateLimitedError(`${message}; retry in ${result.retryAfter}s`, result.retryAfter);
  }

  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, operation, schema, contextValue }) {
          // A subscription's refetch runs in-process without an address; its subscription passed
          // these limits when it started (subscriptions/server.ts), and it is never a mutation.
          const selected = operation ?? selectOperation(document, request.operationName);
          if (!selected) throw unresolvedOperation(request.operationName);
          const ip = (contextValue as ContextWithIp).clientIp;
          if (!ip) return;
          const variables = request.variables ?? {};
          const error = checkOperation(config, schema, document, selected, variables);
          if (error) throw error;
          if (selected.operation !== 'mutation') return;
          for (const field of rootFields(schema, document, selected, variables)) {
            if (field.name === 'login') {
              await enforce('login-ip', ip, config.LOGIN_RATE_LIMIT_PER_MINUTE, 'Too many login attempts');
              const input = field.args.input as { email?: unknown } | undefined;
              // Normalized as the auth subgraph does, so case and spaces do not reset the count;
              // the limiter keys a long or odd email by its hash.
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
