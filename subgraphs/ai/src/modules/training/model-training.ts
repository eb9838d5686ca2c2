import { DEFAULT_CATEGORIES, defaultCategoryId } from '@centavo/categories';
import type { TransactionEvent } from '@centavo/jobs';
import type { Logger } from '@centavo/logger';
import type { CategorizerModel, TrainingRow } from '../categorize/model.js';
import { isSlug } from '../categorize/slugs.js';
import { decisionAmounts } from '../categorization/categorization.service.js';
import type { ModelStore } from './model-artifact.js';
import { trainInThread } from './model-trainer.js';
import type { TrainingRepository } from './training.repository.js';

/** The part of the cold categorizer that retraining replaces. */
export interface ModelHolder {
  swap(model: CategorizerModel): void;
}

export interface TrainingOptions {
  globalLearning: boolean;
  /** New corrections (each user's counted up to `maxExamplesPerUser`) that call for a retrain ... */
  retrainAfter: number;
  /** ... coming from at least this many users ... */
  minUsers?: number;
  /** ... at most once per this long since the last retrain (corrections-triggered only). */
  minIntervalMs?: number;
  /** The newest corrections of a user the global model learns, at most ... */
  maxExamplesPerUser?: number;
  /** ... and of all users together: training time grows with the rows (about 0.7 ms each). */
  maxExamples?: number;
  /** The clock pacing uses (tests move it). */
  now?: () => number;
}

export const TRAINING_DEFAULTS = { minUsers: 3, minIntervalMs: 60 * 60_000, maxExamplesPerUser: 50, maxExamples: 10_000 } as const;

type Trained = { model: CategorizerModel; examples: number };
// The subgraph and the worker of one process (--module=all) train the same version once.
let lastTrained: { key: string; trained: Promise<Trained> } | undefined;

/**
 * Retraining of the global model: users' corrections to default categories become training
 * rows next to the project's data set (custom categories stay per user, in the memory and
 * priors). One user weighs at most `maxExamplesPerUser` rows, cannot call for a retrain alone,
 * and corrections call for one at most once per `minIntervalMs`. A retrain records the version
 * and the cut-off of the rows it used, so every ai process can train exactly the same model.
 */
export class ModelTraining {
  private readonly o: Required<Omit<TrainingOptions, 'now'>> & Pick<TrainingOptions, 'now'>;

  constructor(
    private readonly repo: TrainingRepository,
    private readonly holder: ModelHolder,
    private readonly logger: Logger,
    options: TrainingOptions,
    /** Model files: loaded instead of training when present, written after every training. */
    private readonly store?: ModelStore,
  ) {
    this.o = { ...TRAINING_DEFAULTS, ...options };
  }

  /** Records a user's correction as a training row; true when a retrain is due. */
  async recordCorrection(event: TransactionEvent): Promise<boolean> {
    const t = event.transaction;
    if (t.deleted) {
      await this.repo.forgetExample(t.id);
      return false;
    }
    const userChoice = event.type === 'transaction.categorized' || event.type === 'transaction.created';
    if (!this.o.globalLearning || !userChoice || t.categorySource !== 'USER' || !t.categoryId || t.transferPeerId) return false;
    const slug = DEFAULT_CATEGORIES.find((c) => defaultCategoryId(t.userId, c.slug) === t.categoryId)?.slug;
    if (!slug) return false;
    const { cents } = decisionAmounts(BigInt(t.amountMinor), t.currency);
    await this.repo.recordExample({ transactionId: t.id, userId: t.userId, description: t.description, amountCents: cents, slug, version: t.version });
    return this.retrainDue();
  }

  /** Enough corrections from enough users since the last model, and that model old enough. */
  async retrainDue(): Promise<boolean> {
    const latest = await this.repo.latest();
    const now = this.o.now?.() ?? Date.now();
    if (latest && now - latest.trainedAt.getTime() < this.o.minIntervalMs) return false;
    const count = await this.repo.correctionsSince(latest?.examplesUntil ?? null, this.o.maxExamplesPerUser);
    return count.corrections >= this.o.retrainAfter && count.users >= this.o.minUsers;
  }

  /** A corrections-triggered retrain: checked again when it runs (another process may have retrained). */
  async retrainIfDue(): Promise<{ version: string; examples: number } | null> {
    if (!(await this.retrainDue())) {
      this.logger.info('retrain after corrections skipped: not due (paced, or too few corrections or users)');
      return null;
    }
    return this.retrain();
  }

  /** Trains on the data set and the capped training rows so far; records the new version. */
  async retrain(): Promise<{ version: string; examples: number }> {
    const until = await this.repo.cutoff();
    const { model, examples } = await this.train(until);
    // The file first: a process told of the new version finds it instead of training it again.
    this.persist(model.version, model);
    await this.repo.save({ version: model.version, examples, examplesUntil: until });
    this.holder.swap(model);
    this.logger.info({ version: model.version, examples }, 'categorization model retrained');
    return { version: model.version, examples };
  }

  /**
   * Loads the newest recorded version (the data set's model when none is) from its file:
   * milliseconds, so start-up waits for it. Null when there is no file for it; then, at start,
   * the data set's model file (if any) serves until loadLatest() has trained the newest version.
   */
  async loadStored(options: { datasetMeanwhile?: boolean } = {}): Promise<string | null> {
    if (!this.store) return null;
    const latest = await this.repo.latest();
    const stored = this.store.read(latest?.version ?? null);
    if (stored) {
      this.holder.swap(stored);
      return stored.version;
    }
    const dataset = latest && options.datasetMeanwhile ? this.store.read(null) : null;
    if (dataset) this.holder.swap(dataset);
    return null;
  }

  /** The newest recorded version, or the data set's model when none is: from its file, else trained (and its file written). */
  async loadLatest(): Promise<string> {
    const stored = await this.loadStored();
    if (stored) return stored;
    const latest = await this.repo.latest();
    const { model } = await this.train(latest?.examplesUntil ?? null);
    this.holder.swap(model);
    this.persist(latest ? model.version : null, model);
    return model.version;
  }

  /** Writes a model's file; a failure only costs other processes a training of their own. */
  private persist(version: string | null, model: CategorizerModel): void {
    if (!this.store) return;
    try {
      const file = this.store.write(version, model);
      this.logger.info({ version: model.version, file }, 'categorization model file written');
    } catch (err) {
      this.logger.warn({ err, version: model.version }, 'writing the model file failed; other processes will train this version themselves');
    }
  }

  private train(until: Date | null): Promise<Trained> {
    const cap = { perUser: this.o.maxExamplesPerUser, total: this.o.maxExamples };
    const key = `${until?.toISOString() ?? 'dataset'}:${cap.perUser}:${cap.total}`;
    if (lastTrained?.key !== key) {
      const trained = this.rows(until, cap).then(async (examples) => ({ model: await trainInThread(examples), examples: examples.length }));
      lastTrained = { key, trained };
      // A failed training is retried by the next caller, not remembered.
      trained.catch(() => {
        if (lastTrained?.trained === trained) lastTrained = undefined;
      });
    }
    return lastTrained.trained;
  }

  private async rows(until: Date | null, cap: { perUser: number; total: number }): Promise<TrainingRow[]> {
    if (!until) return [];
    return (await this.repo.examplesUntil(until, cap.perUser, cap.total)).flatMap((e) =>
      isSlug(e.slug) ? [{ description: e.description, amountMinor: Number(e.amountCents), slug: e.slug }] : [],
    );
  }
}
