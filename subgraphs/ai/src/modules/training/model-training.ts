import { DEFAULT_CATEGORIES, defaultCategoryId } from '@centavo/categories';
import type { TransactionEvent } from '@centavo/jobs';
import type { Logger } from '@centavo/logger';
import { loadDataset } from '../categorize/dataset.js';
import { CategorizerModel, type TrainingRow } from '../categorize/model.js';
import { isSlug } from '../categorize/slugs.js';
import { decisionAmounts } from '../categorization/categorization.service.js';
import type { TrainingRepository } from './training.repository.js';

/** The part of the cold categorizer that retraining replaces. */
export interface ModelHolder {
  swap(model: CategorizerModel): void;
}

let datasetRows: TrainingRow[] | undefined;
const dataset = () => (datasetRows ??= loadDataset().filter((r) => r.split === 'train'));
// The subgraph and the worker of one process (--module=all) train the same version once.
let lastTrained: { key: string; model: CategorizerModel; examples: number } | undefined;

/**
 * Retraining of the global model: users' corrections to default categories become training
 * rows next to the project's data set (custom categories stay per user, in the memory and
 * priors). A retrain records the version and the cut-off of the rows it used, so every ai
 * process can train exactly the same model when told.
 */
export class ModelTraining {
  constructor(
    private readonly repo: TrainingRepository,
    private readonly holder: ModelHolder,
    private readonly logger: Logger,
    private readonly options: { globalLearning: boolean; retrainAfter: number },
  ) {}

  /** Records a user's correction as a training row; true when enough new rows call for a retrain. */
  async recordCorrection(event: TransactionEvent): Promise<boolean> {
    const t = event.transaction;
    if (t.deleted) {
      await this.repo.forgetExample(t.id);
      return false;
    }
    const userChoice = event.type === 'transaction.categorized' || event.type === 'transaction.created';
    if (!this.options.globalLearning || !userChoice || t.categorySource !== 'USER' || !t.categoryId || t.transferPeerId) return false;
    const slug = DEFAULT_CATEGORIES.find((c) => defaultCategoryId(t.userId, c.slug) === t.categoryId)?.slug;
    if (!slug) return false;
    const { cents } = decisionAmounts(BigInt(t.amountMinor), t.currency);
    await this.repo.recordExample({ transactionId: t.id, description: t.description, amountCents: cents, slug, version: t.version });
    const latest = await this.repo.latest();
    return (await this.repo.countSince(latest?.examplesUntil ?? null)) >= this.options.retrainAfter;
  }

  /** Trains on the data set and every training row so far; records the new version. */
  async retrain(): Promise<{ version: string; examples: number }> {
    const until = new Date();
    const { model, examples } = await this.train(until);
    await this.repo.save({ version: model.version, examples, examplesUntil: until });
    this.holder.swap(model);
    this.logger.info({ version: model.version, examples }, 'categorization model retrained');
    return { version: model.version, examples };
  }

  /** Trains the newest recorded version, if any (at start-up, and when another process retrained). */
  async loadLatest(): Promise<string | null> {
    const latest = await this.repo.latest();
    if (!latest) return null;
    const { model } = await this.train(latest.examplesUntil);
    this.holder.swap(model);
    return model.version;
  }

  private async train(until: Date): Promise<{ model: CategorizerModel; examples: number }> {
    const examples = (await this.repo.examplesUntil(until)).flatMap((e) =>
      isSlug(e.slug) ? [{ description: e.description, amountMinor: Number(e.amountCents), slug: e.slug }] : [],
    );
    const key = `${until.toISOString()}:${examples.length}`;
    if (lastTrained?.key !== key) {
      lastTrained = { key, model: CategorizerModel.train([...dataset(), ...examples]), examples: examples.length };
    }
    return lastTrained;
  }
}
