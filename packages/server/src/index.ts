export * from './subgraph-server.js';
export * from './http.js';
export * from './in-process.js';
export * from './health.js';
export * from './ids.js';
export * from './type-defs.js';
export * from './merge-resolvers.js';
export * from './request-auth.js';
export * from './worker-http.js';
export * from './loaders.js';
export * from './rate-limit.js';
export * from './limits/index.js';
export * from './input-text.js';
export * from './tags.js';
export * from './selection.js';
export * from './http-errors.js';
// Domains that count their own events without depending on the metrics package themselves.
export { metrics } from '@centavo/metrics';
export * from './typed-resolvers.js';
