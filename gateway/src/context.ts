import type { AuthUser } from '@centavo/auth-tokens';

/** The context of one gateway operation, from an HTTP request or a subscription's refetch. */
export interface GatewayContext {
  token?: string;
  user: AuthUser | null;
  requestId: string;
}
