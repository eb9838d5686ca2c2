import type { Logger } from '@centavo/logger';
import { isSlug, type Direction, type Slug } from '../categorize/slugs.js';

/**
 * An optional OpenAI-compatible chat-completions endpoint, asked only about transactions the
 * local pipeline is unsure of. It is a best-effort second opinion: every failure (timeout,
 * HTTP error, open breaker, spent budget, an answer outside the allowed slugs) yields null and
 * the local result stands.
 */
export interface ExternalModelOptions {
  url: string;
  apiKey?: string | undefined;
  model: string;
  timeoutMs: number;
  maxCallsPerHour: number;
  failureThreshold?: number;
  cooldownMs?: number;
  now?: () => number;
  logger?: Logger;
}

type BreakerState = 'closed' | 'open' | 'half-open';

/** Closed → open after `threshold` consecutive failures → half-open after `cooldownMs`, one probe. */
export class CircuitBreaker {
  private failures = 0;
  private openedAt = 0;
  private probing = false;
  private current: BreakerState = 'closed';

  constructor(
    private readonly threshold: number,
    private readonly cooldownMs: number,
  ) {}

  state(now: number): BreakerState {
    if (this.current === 'open' && now - this.openedAt >= this.cooldownMs) this.current = 'half-open';
    return this.current;
  }

  /** Whether a call may go out now; in half-open only one probe is let through at a time. */
  tryPass(now: number): boolean {
    const state = this.state(now);
    if (state === 'closed') return true;
    if (state === 'open' || this.probing) return false;
    this.probing = true;
    return true;
  }

  success(): void {
    this.current = 'closed';
    this.failures = 0;
    this.probing = false;
  }

  failure(now: number): void {
    this.probing = false;
    this.failures += 1;
    if (this.current === 'half-open' || this.failures >= this.threshold) {
      this.current = 'open';
      this.openedAt = now;
    }
  }
}

/** At most `max` calls in any sliding hour. */
export class CallBudget {
  private readonly calls: number[] = [];

  constructor(private readonly max: number) {}

  private prune(now: number): void {
    while (this.calls.length > 0 && now - this.calls[0]! >= 3_600_000) this.calls.shift();
  }

  available(now: number): boolean {
    this.prune(now);
    return this.calls.length < this.max;
  }

  take(now: number): void {
    this.calls.push(now);
  }
}

const SYSTEM_PROMPT =
  'You categorize personal bank transactions. Reply with exactly one category slug from the list given, and nothing else.';

interface ChatCompletion {
  choices?: { message?: { content?: unknown } }[];
}

export class ExternalModel {
  readonly name: string;
  private readonly breaker: CircuitBreaker;
  private readonly budget: CallBudget;
  private readonly now: () => number;

  constructor(private readonly options: ExternalModelOptions) {
    this.name = options.model;
    this.breaker = new CircuitBreaker(options.failureThreshold ?? 5, options.cooldownMs ?? 30_000);
    this.budget = new CallBudget(options.maxCallsPerHour);
    this.now = options.now ?? Date.now;
  }

  breakerState(): BreakerState {
    return this.breaker.state(this.now());
  }

  /** One slug of `allowed`, or null when the endpoint is unavailable or answers anything else. */
  async pick(description: string, direction: Direction, allowed: readonly Slug[]): Promise<Slug | null> {
    const now = this.now();
    // The budget is checked before the breaker so a half-open probe is never spent on nothing.
    if (!this.budget.available(now) || !this.breaker.tryPass(now)) return null;
    this.budget.take(now);
    let content: unknown;
    try {
      const res = await fetch(`${this.options.url.replace(/\/+$/, '')}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(this.options.apiKey ? { authorization: `Bearer ${this.options.apiKey}` } : {}) },
        body: JSON.stringify({
          model: this.options.model,
          temperature: 0,
          messages: [
            { role: 'system', content: SYSTEM_PROMPT },
            { role: 'user', content: `Transaction: ${JSON.stringify(description)}\nMoney: ${direction}\nCategories: ${allowed.join(', ')}` },
          ],
        }),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      content = ((await res.json()) as ChatCompletion).choices?.[0]?.message?.content;
    } catch (error) {
      this.breaker.failure(this.now());
      this.options.logger?.warn({ err: error, model: this.name, breaker: this.breakerState() }, 'external model call failed');
      return null;
    }
    // The endpoint answered: it is up, whatever the quality of the answer.
    this.breaker.success();
    if (typeof content !== 'string') return null;
    const answer = content.trim().toLowerCase().replace(/^["'`]+|["'`.]+$/g, '');
    return isSlug(answer) && allowed.includes(answer) ? answer : null;
  }
}

export interface ExternalModelConfig {
  EXTERNAL_MODEL_URL?: string | undefined;
  EXTERNAL_MODEL_API_KEY?: string | undefined;
  EXTERNAL_MODEL_NAME: string;
  EXTERNAL_MODEL_TIMEOUT_MS: number;
  EXTERNAL_MODEL_MAX_CALLS_PER_HOUR: number;
}

/** Null (off) unless EXTERNAL_MODEL_URL is set. */
export function createExternalModel(config: ExternalModelConfig, logger?: Logger): ExternalModel | null {
  if (!config.EXTERNAL_MODEL_URL) return null;
  return new ExternalModel({
    url: config.EXTERNAL_MODEL_URL,
    apiKey: config.EXTERNAL_MODEL_API_KEY,
    model: config.EXTERNAL_MODEL_NAME,
    timeoutMs: config.EXTERNAL_MODEL_TIMEOUT_MS,
    maxCallsPerHour: config.EXTERNAL_MODEL_MAX_CALLS_PER_HOUR,
    ...(logger ? { logger } : {}),
  });
}
