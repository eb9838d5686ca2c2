export * from './definitions.js';
export * from './queues.js';
export type { Queue, Worker, Job } from 'bullmq';
export * from './failed.js';
export * from './processors.js';
