/**
 * Entry of the worker thread that trains a model (seconds of CPU that would otherwise stall the
 * serving event loop). Input: the users' training rows; output: the model's parts, its weight
 * buffers transferred, not copied.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadDataset } from '../categorize/dataset.js';
import { CategorizerModel, type TrainingRow } from '../categorize/model.js';

const { examples } = workerData as { examples: TrainingRow[] };
const model = CategorizerModel.train([...loadDataset().filter((r) => r.split === 'train'), ...examples]);
const parts = model.toParts();
parentPort?.postMessage(parts, [parts.w.buffer, parts.b.buffer]);
