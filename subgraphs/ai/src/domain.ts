import type DataLoader from 'dataloader';
import type { PgPool } from '@centavo/db';
import { CategoryDirectory, KnownCategories } from '@centavo/categories';
import type { JobProcessor, Queue } from '@centavo/jobs';
import type { Logger } from '@centavo/logger';
import { metrics, ownedLoader } from '@centavo/server';
import type { AiConfig } from './config.js';
import type { AiPrisma } from './db.js';
import { categorizeProcessor } from './jobs/categorize.processor.js';
import { categoryProcessor } from './jobs/category.processor.js';
import { retrainProcessor } from './jobs/retrain.processor.js';
import { ModelStore } from './modules/training/model-artifact.js';
import { CategorizationReader } from './modules/categorization/categorization.reader.js';
import { CategorizationRepository, type CategorizationRecord } from './modules/categorization/categorization.repository.js';
import { CategorizationService } from './modules/categorization/categorization.service.js';
import { createColdCategorizer, type SwappableColdCategorizer } from './modules/categorization/cold-categorizer.js';
import { createExternalModel, type ExternalModel } from './modules/categorization/external-model.js';
import { RuleMatcher } from './modules/rules/rule-matcher.js';
import { RulesRepository, type RuleRecord } from './modules/rules/rules.repository.js';
import { RulesService, type RuleQuotas } from './modules/rules/rules.service.js';
import { ModelTraining, type TrainingOptions } from './modules/training/model-training.js';
import { TrainingRepository } from './modules/training/training.repository.js';

/** Per-request loaders, scoped to the caller: another user's ids load as null. */
export interface AiLoaders {
  rule: DataLoader<string, RuleRecord | null>;
  /** The decision about a transaction, by transaction id. */
  categorization: DataLoader<string, CategorizationRecord | null>;
}

/** The queues the ai processors send to (the worker opens them). */
export interface AiQueues {
  /** Decisions for the transactions domain (apply-categorization). */
  commands: Queue;
  /** Retrains called for by corrections. */
  maintenance: Queue;
}

/** The ai domain, built once per process entry point (subgraph or worker). */
export interface AiDomain {
  rules: RulesService;
  categorization: CategorizationService;
  /** The dictionary and model every decision starts from; retraining swaps its model. */
  cold: SwappableColdCategorizer;
  /** The global model's retraining (followModelUpdates keeps `cold` on the newest version). */
  training: ModelTraining;
  /** The external model asked about unsure transactions, when configured and asked for. */
  external: ExternalModel | null;
  loaders(userId: string | undefined): AiLoaders;
  /** The worker's job processors: categorize, retrain, and the category read model. */
  processors(queues: AiQueues): JobProcessor[];
}

export interface AiDomainDeps {
  prisma: AiPrisma;
  /** A plain pg pool for the decisions every dashboard reads (categorization.reader.ts); without it they go through Prisma. */
  pool?: PgPool;
  config: AiConfig;
  logger: Logger;
  /**
   * Whether decisions may ask EXTERNAL_MODEL_URL about unsure transactions: the worker's do;
   * suggestCategories (the subgraph) never sends a description out.
   */
  externalModel?: boolean;
}

/** The composition root of the ai subgraph: repositories, services and processors, built once. */
export function createAiDomain({ prisma, pool, config, logger, externalModel = false }: AiDomainDeps): AiDomain {
  const rulesRepo = new RulesRepository(prisma);
  const decisions = new CategorizationRepository(prisma);
  const decisionReads = pool ? new CategorizationReader(pool) : decisions;
  const known = new KnownCategories(prisma.knownCategory);
  const matcher = ruleMatcher(config);
  const directory = new CategoryDirectory({ lookup: (id) => known.find(id), waitMs: config.CATEGORY_SYNC_WAIT_MS });
  const cold = createColdCategorizer(config.CATEGORIZE_THRESHOLD);
  const external = externalModel ? createExternalModel(config, logger) : null;
  const categorization = new CategorizationService(decisions, rulesRepo, cold, {
    threshold: config.CATEGORIZE_THRESHOLD,
    matcher,
    logger,
    onRegexSkipped: (reason, count) => metrics.regexRulesSkipped.inc({ reason }, count),
    external,
  });
  const training = new ModelTraining(new TrainingRepository(prisma), cold, logger, trainingOptions(config), new ModelStore(config.MODEL_DIR));
  return {
    rules: new RulesService(rulesRepo, directory, matcher, ruleQuotas(config)),
    categorization,
    cold,
    training,
    external,
    loaders: (userId) => ({
      rule: ownedLoader(userId, (u, ids) => rulesRepo.findManyForUser(u, ids), 'id'),
      categorization: ownedLoader(userId, (u, ids) => decisionReads.findForUser(u, ids), 'transactionId'),
    }),
    processors: ({ commands, maintenance }) => [
      categorizeProcessor({ categorization, training, currentVersion: () => cold.version, commands, maintenance }),
      retrainProcessor(training, config),
      categoryProcessor(known),
    ],
  };
}

function ruleMatcher(config: AiConfig): RuleMatcher {
  return new RuleMatcher({
    maxProgramSize: config.MAX_REGEX_PROGRAM_SIZE,
    cacheMaxBytes: config.REGEX_CACHE_MAX_BYTES,
    stepBudget: config.REGEX_STEP_BUDGET,
    timeBudgetMs: config.REGEX_TIME_BUDGET_MS,
  });
}

function ruleQuotas(config: AiConfig): RuleQuotas {
  return {
    maxRules: config.MAX_RULES_PER_USER,
    maxRegexRules: config.MAX_REGEX_RULES_PER_USER,
    maxRegexProgramSize: config.MAX_REGEX_PROGRAM_SIZE_PER_USER,
  };
}

function trainingOptions(config: AiConfig): TrainingOptions {
  return {
    globalLearning: config.GLOBAL_LEARNING,
    retrainAfter: config.RETRAIN_AFTER_CORRECTIONS,
    minUsers: config.RETRAIN_MIN_USERS,
    minIntervalMs: config.RETRAIN_MIN_INTERVAL_MINUTES * 60_000,
    maxExamplesPerUser: config.GLOBAL_LEARNING_MAX_EXAMPLES_PER_USER,
    maxExamples: config.GLOBAL_LEARNING_MAX_EXAMPLES,
  };
}
