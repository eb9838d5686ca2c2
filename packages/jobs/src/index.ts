export * from './definitions.js';
export * from './queues.js';
export type { Queue, Worker, Job, JobsOptions } from 'bullmq';
export * from './failed.js';
export * from './processors.js';
