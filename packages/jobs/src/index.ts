export * from './definitions.js';
export * from './queues.js';
