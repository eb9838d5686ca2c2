export * from './relay.js';
export * from './store.js';
