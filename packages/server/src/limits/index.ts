export * from './analysis.js';
export * from './limits.js';
