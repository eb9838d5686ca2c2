export * from './keys.js';
export * from './tokens.js';
export * from './denylist.js';
export * from './runtime.js';
export * from './oidc.js';
export * from './profile-grants.js';
