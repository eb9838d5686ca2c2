export * from './events.js';
export * from './publisher.js';
export * from './subscriber.js';
export * from './generations.js';
