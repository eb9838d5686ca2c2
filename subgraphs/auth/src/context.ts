import type { BaseContext } from '@centavo/server';
import type { AuthDomain, AuthLoaders } from './domain.js';
import type { AuthService } from './modules/users/auth.service.js';

/** What the auth resolvers get: the caller, its services and this request's loaders. */
export interface AuthContext extends BaseContext {
  auth: AuthService;
  loaders: AuthLoaders;
}

export const authContext =
  (domain: AuthDomain) =>
  (base: BaseContext): AuthContext => ({ ...base, auth: domain.auth, loaders: domain.loaders(base.user?.id) });
