import { badInput, limitExceeded, notFound } from '@centavo/errors';
import { MoneyError, parseScaled } from '@centavo/money';
import type { CategoryDirectory } from '@centavo/categories';
import { normalizeTags } from '@centavo/server';
import type { RuleInput } from '../../resolvers.generated.js';
import { MAX_RULE_VALUE_LENGTH, type RuleMatcher } from './rule-matcher.js';
import type { RuleRecord, RulesRepository } from './rules.repository.js';

/** Rule amount bounds: up to 4 decimals, compared with a transaction's absolute amount. */
export const RULE_AMOUNT_SCALE = 4;

function bound(field: 'minAmount' | 'maxAmount', value: string | null | undefined): bigint | null {
  if (value === null || value === undefined) return null;
  try {
    const scaled = parseScaled(value, RULE_AMOUNT_SCALE);
    if (scaled < 0n) throw badInput(field, `${field} must not be negative: it bounds the absolute amount`);
    return scaled;
  } catch (error) {
    if (error instanceof MoneyError) throw badInput(field, `${field}: ${error.message}`);
    throw error;
  }
}

/** Per-user quotas: rules are run on every categorization of the user's transactions. */
export interface RuleQuotas {
  maxRules: number;
  maxRegexRules: number;
  /** Summed RE2 program size of a user's REGEX rules. */
  maxRegexProgramSize: number;
}

export const DEFAULT_RULE_QUOTAS: RuleQuotas = { maxRules: 500, maxRegexRules: 50, maxRegexProgramSize: 5000 };

export class RulesService {
  constructor(
    private readonly rules: RulesRepository,
    /** The user's categories as the ai domain knows them (defaults derived, custom ones from category events). */
    private readonly categories: CategoryDirectory,
    private readonly matcher: RuleMatcher,
    private readonly quotas: RuleQuotas = DEFAULT_RULE_QUOTAS,
  ) {}

  /** The user's rules, highest priority first. */
  list(userId: string): Promise<RuleRecord[]> {
    return this.rules.listByUser(userId);
  }

  async create(userId: string, input: RuleInput): Promise<RuleRecord> {
    const value = input.value.trim();
    if (!value) throw badInput('value', 'Rule value must not be empty');
    if (value.length > MAX_RULE_VALUE_LENGTH) {
      throw badInput('value', `Rule value must have at most ${MAX_RULE_VALUE_LENGTH} characters`);
    }
    const programSize = input.operator === 'REGEX' ? this.matcher.compile(value).programSize : null;
    const min = bound('minAmount', input.minAmount);
    const max = bound('maxAmount', input.maxAmount);
    if (min !== null && max !== null && min > max) throw badInput('maxAmount', 'maxAmount must not be below minAmount');
    const priority = input.priority ?? 0;
    if (priority < -1000 || priority > 1000) throw badInput('priority', 'priority must be between -1000 and 1000');
    if (!(await this.categories.find(userId, input.categoryId))) throw notFound('Category');
    const rule = {
      userId,
      field: input.field,
      operator: input.operator,
      value,
      minAmount: input.minAmount?.trim() ?? null,
      maxAmount: input.maxAmount?.trim() ?? null,
      categoryId: input.categoryId,
      addTags: normalizeTags(input.addTags ?? [], 'addTags'),
      priority,
      programSize,
    };
    // A REGEX rule stored before sizes were recorded counts as the largest allowed.
    return this.rules.createChecked(rule, this.matcher.options.maxProgramSize, (usage) => {
      const q = this.quotas;
      if (usage.rules >= q.maxRules) throw limitExceeded('rules', q.maxRules);
      if (programSize === null) return;
      if (usage.regexRules >= q.maxRegexRules) throw limitExceeded('regexRules', q.maxRegexRules, `You have reached the limit of ${q.maxRegexRules} REGEX rules`);
      if (usage.regexProgramSize + programSize > q.maxRegexProgramSize) {
        throw limitExceeded(
          'regexProgramSize',
          q.maxRegexProgramSize,
          `Your REGEX rules would compile to ${usage.regexProgramSize + programSize} instructions in all; the limit is ${q.maxRegexProgramSize}`,
          'value',
        );
      }
    });
  }

  async delete(userId: string, id: string): Promise<boolean> {
    if (!(await this.rules.delete(userId, id))) throw notFound('Rule');
    return true;
  }
}
