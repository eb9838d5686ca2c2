import type { Logger } from '@centavo/logger';
import { metrics } from '@centavo/server';
import type { AiConfig } from './config.js';
import type { CategorizationOptions } from './modules/categorization/categorization.service.js';
import { RuleMatcher } from './modules/rules/rule-matcher.js';
import type { RuleQuotas } from './modules/rules/rules.service.js';
import type { TrainingOptions } from './modules/training/model-training.js';

/** The settings both ai entry points (subgraph and worker) build their services with. */
export function ruleMatcher(config: AiConfig): RuleMatcher {
  return new RuleMatcher({
    maxProgramSize: config.MAX_REGEX_PROGRAM_SIZE,
    cacheMaxBytes: config.REGEX_CACHE_MAX_BYTES,
    stepBudget: config.REGEX_STEP_BUDGET,
    timeBudgetMs: config.REGEX_TIME_BUDGET_MS,
  });
}

export function ruleQuotas(config: AiConfig): RuleQuotas {
  return {
    maxRules: config.MAX_RULES_PER_USER,
    maxRegexRules: config.MAX_REGEX_RULES_PER_USER,
    maxRegexProgramSize: config.MAX_REGEX_PROGRAM_SIZE_PER_USER,
  };
}

export function trainingOptions(config: AiConfig): TrainingOptions {
  return {
    globalLearning: config.GLOBAL_LEARNING,
    retrainAfter: config.RETRAIN_AFTER_CORRECTIONS,
    minUsers: config.RETRAIN_MIN_USERS,
    minIntervalMs: config.RETRAIN_MIN_INTERVAL_MINUTES * 60_000,
    maxExamplesPerUser: config.GLOBAL_LEARNING_MAX_EXAMPLES_PER_USER,
    maxExamples: config.GLOBAL_LEARNING_MAX_EXAMPLES,
  };
}

export function categorizationOptions(config: AiConfig, matcher: RuleMatcher, logger: Logger): CategorizationOptions {
  return {
    threshold: config.CATEGORIZE_THRESHOLD,
    matcher,
    logger,
    onRegexSkipped: (reason, count) => metrics.regexRulesSkipped.inc({ reason }, count),
  };
}
