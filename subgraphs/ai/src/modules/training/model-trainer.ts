import { Worker } from 'node:worker_threads';
import { CategorizerModel, type ModelParts, type TrainingRow } from '../categorize/model.js';

const entry = new URL(`./train-thread${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);

/**
 * A worker thread does not inherit the TypeScript loader on Node 20 (`--import tsx` in its
 * execArgv is not enough: "Unknown file extension .ts"), and vitest's transform does not reach it
 * either; so when running from sources the thread first registers tsx, then imports its entry.
 */
function bootstrap(): string {
  if (!entry.pathname.endsWith('.ts')) return `import(${JSON.stringify(entry.href)})`;
  const tsx = import.meta.resolve('tsx/esm/api');
  return `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(entry.href)}); })`;
}

/** Trains the data set plus `examples` on a worker thread; the event loop stays free meanwhile. */
export function trainInThread(examples: readonly TrainingRow[]): Promise<CategorizerModel> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(bootstrap(), { eval: true, workerData: { examples } });
    let done = false;
    worker.once('message', (parts: ModelParts) => {
      done = true;
      try {
        resolve(CategorizerModel.fromParts(parts));
      } catch (error) {
        reject(error);
      }
      void worker.terminate();
    });
    worker.once('error', (error) => {
      done = true;
      reject(error);
    });
    worker.once('exit', (code) => {
      if (!done) reject(new Error(`model training thread exited with code ${code} before answering`));
    });
  });
}
