import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DATASET_PATH } from '../categorize/dataset.js';
import { CategorizerModel, type ModelParts } from '../categorize/model.js';
import { SLUGS } from '../categorize/slugs.js';

/**
 * A trained model as a file, so processes load it in milliseconds instead of training it for
 * seconds at start. `dataset-<fingerprint>.model` is the data set's model (`centavo train`, run by
 * the build); `<version>.model` a retrained version (the retrain job). Every file records the
 * fingerprint of the code and data set that trained it: a file from other code is never loaded.
 *
 * Layout: "CNTVMDL1", u32 LE header length, JSON header, zero padding to 4 bytes, then the
 * float32 LE weights `w` and biases `b`.
 */
const MAGIC = 'CNTVMDL1';
const KEEP_FILES = 4;

/** The build's output, beside the ai package (src/ and dist/ sit at the same depth). */
export const SHIPPED_MODEL_DIR = fileURLToPath(new URL('../../../model/', import.meta.url));

interface Header {
  version: string;
  fingerprint: string;
  temperature: number;
  acceptAt: number | undefined;
  acceptAtByDirection?: ModelParts['acceptAtByDirection'];
  acceptAtWithPriors?: number;
  featureWeights: ModelParts['featureWeights'];
  slugs: readonly string[];
  w: number;
  b: number;
}

let fingerprintMemo: string | undefined;
// The subgraph and the worker of one process (--module=all) share one loaded model.
let lastRead: { file: string; stamp: string; model: CategorizerModel } | undefined;

/**
 * Hash of the data set and of the categorize module's code (its .ts sources or compiled .js,
 * whichever runs), so a changed tokenizer, feature or data set never meets an old model file.
 */
export function modelFingerprint(): string {
  if (fingerprintMemo) return fingerprintMemo;
  const hash = createHash('sha256').update(MAGIC).update(SLUGS.join(','));
  hash.update(readFileSync(DATASET_PATH));
  const dir = path.dirname(fileURLToPath(new URL('../categorize/model.js', import.meta.url)));
  for (const file of readdirSync(dir).sort()) {
    if (/\.(ts|js)$/.test(file) && !/\.(test|bench)\.ts$/.test(file) && !file.endsWith('.d.ts')) hash.update(file).update(readFileSync(path.join(dir, file)));
  }
  fingerprintMemo = hash.digest('hex').slice(0, 16);
  return fingerprintMemo;
}

/** The file name of a model: the data set's (no version recorded yet) or a retrained version's. */
export const artifactName = (version: string | null): string => (version ? `${version}.model` : `dataset-${modelFingerprint()}.model`);

export function encodeModel(model: CategorizerModel): Buffer {
  const p = model.toParts();
  const header: Header = {
    version: p.version,
    fingerprint: modelFingerprint(),
    temperature: p.temperature,
    acceptAt: p.acceptAt,
    acceptAtByDirection: p.acceptAtByDirection,
    acceptAtWithPriors: p.acceptAtWithPriors,
    featureWeights: p.featureWeights,
    slugs: SLUGS,
    w: p.w.length,
    b: p.b.length,
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const start = Math.ceil((MAGIC.length + 4 + json.length) / 4) * 4;
  const out = Buffer.alloc(start + (p.w.length + p.b.length) * 4);
  out.write(MAGIC, 0, 'latin1');
  out.writeUInt32LE(json.length, MAGIC.length);
  json.copy(out, MAGIC.length + 4);
  Buffer.from(p.w.buffer, p.w.byteOffset, p.w.byteLength).copy(out, start);
  Buffer.from(p.b.buffer, p.b.byteOffset, p.b.byteLength).copy(out, start + p.w.byteLength);
  return out;
}

/** The model in `bytes`; throws when the file is not one, or was trained by other code or data. */
export function decodeModel(bytes: Buffer): CategorizerModel {
  if (bytes.length < MAGIC.length + 4 || bytes.toString('latin1', 0, MAGIC.length) !== MAGIC) throw new Error('not a model file');
  const length = bytes.readUInt32LE(MAGIC.length);
  const header = JSON.parse(bytes.toString('utf8', MAGIC.length + 4, MAGIC.length + 4 + length)) as Header;
  if (header.fingerprint !== modelFingerprint()) throw new Error(`model ${header.version} was trained by other code or data (${header.fingerprint})`);
  if (header.slugs.join(',') !== SLUGS.join(',')) throw new Error(`model ${header.version} has other categories`);
  const start = Math.ceil((MAGIC.length + 4 + length) / 4) * 4;
  if (bytes.length !== start + (header.w + header.b) * 4) throw new Error(`model ${header.version} is truncated`);
  // A view of the file's bytes when it has its own 4-byte aligned memory (readFileSync of a model
  // file does): copying 12 MB was ~5% of a start's CPU, and held the file twice until collected.
  // A copy when the bytes share a pool or sit unaligned.
  const own = bytes.byteOffset === 0 && bytes.buffer instanceof ArrayBuffer && bytes.buffer.byteLength === bytes.length ? bytes.buffer : null;
  const floats = (offset: number, n: number) => {
    if (own && offset % 4 === 0) return new Float32Array(own, offset, n);
    const out = new Float32Array(n);
    Buffer.from(out.buffer).set(bytes.subarray(offset, offset + n * 4));
    return out;
  };
  return CategorizerModel.fromParts({
    w: floats(start, header.w),
    b: floats(start + header.w * 4, header.b),
    temperature: header.temperature,
    acceptAt: header.acceptAt,
    acceptAtByDirection: header.acceptAtByDirection,
    acceptAtWithPriors: header.acceptAtWithPriors,
    version: header.version,
    featureWeights: header.featureWeights,
  });
}

/** Where models are written (MODEL_DIR) and read (there, then the build's shipped directory). */
export class ModelStore {
  constructor(private readonly dir: string = SHIPPED_MODEL_DIR) {}

  /** The stored model of `version` (null: the data set's), or null when there is none that fits this code. */
  read(version: string | null): CategorizerModel | null {
    for (const dir of new Set([this.dir, SHIPPED_MODEL_DIR])) {
      const file = path.join(dir, artifactName(version));
      let stamp: string;
      let bytes: Buffer;
      try {
        const s = statSync(file);
        stamp = `${s.size}:${s.mtimeMs}`;
        if (lastRead?.file === file && lastRead.stamp === stamp) return lastRead.model;
        bytes = readFileSync(file);
      } catch {
        continue;
      }
      try {
        lastRead = { file, stamp, model: decodeModel(bytes) };
        return lastRead.model;
      } catch {
        continue; // a file from another build: ignored, retrained and overwritten
      }
    }
    return null;
  }

  /** Writes a model under the name of `version` (null: the data set's); atomic (rename). Returns the path. */
  write(version: string | null, model: CategorizerModel): string {
    mkdirSync(this.dir, { recursive: true });
    const file = path.join(this.dir, artifactName(version));
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, encodeModel(model));
    renameSync(tmp, file);
    if (lastRead?.file === file) lastRead = undefined;
    this.prune(file);
    return file;
  }

  /** Keeps the newest KEEP_FILES model files (about 12 MB each); a process wanting an older one trains it. */
  private prune(written: string): void {
    const files = readdirSync(this.dir)
      .filter((f) => f.endsWith('.model') && path.join(this.dir, f) !== written)
      .map((f) => ({ file: path.join(this.dir, f), mtime: statSync(path.join(this.dir, f)).mtimeMs }))
      .sort((a, b) => b.mtime - a.mtime);
    for (const { file } of files.slice(KEEP_FILES - 1)) rmSync(file, { force: true });
  }
}

/**
 * `centavo train` (run by the build): trains the data set's model and writes its file, so no
 * process trains at start. Retrained versions come from the retrain job.
 */
export function trainModelFile(dir?: string): { file: string; version: string } {
  const model = CategorizerModel.fromDataset();
  return { file: new ModelStore(dir).write(null, model), version: model.version };
}

let datasetMemo: CategorizerModel | undefined;

/**
 * The data set's model as every process wants it: its file when one fits this code and data (the
 * build's, or one an earlier process wrote), else trained here and written for the next process.
 * Tests, the evaluation and the cold categorizer share it instead of each training for seconds.
 */
export function datasetModel(): CategorizerModel {
  if (datasetMemo) return datasetMemo;
  const store = new ModelStore();
  let model = store.read(null);
  if (!model) {
    model = CategorizerModel.fromDataset();
    try {
      store.write(null, model);
    } catch {
      // A read-only directory: the next process trains again, nothing is lost.
    }
  }
  datasetMemo = model;
  return model;
}
