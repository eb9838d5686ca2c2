export type BreakerState = 'closed' | 'open' | 'half-open';

/**
 * Closed → open after `failures` consecutive failures → half-open after `cooldownMs`, where a
 * single probe decides: success closes it, failure opens it again.
 */
export class CircuitBreaker {
  private consecutive = 0;
  private openedAt = 0;
  private probing = false;
  state: BreakerState = 'closed';

  constructor(
    private readonly failures: number,
    private readonly cooldownMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether a call may go out now (in half-open, only the one probe). */
  allow(): boolean {
    if (this.state === 'closed') return true;
    if (this.state === 'open' && this.now() - this.openedAt >= this.cooldownMs) this.state = 'half-open';
    if (this.state === 'half-open' && !this.probing) {
      this.probing = true;
      return true;
    }
    return false;
  }

  success(): void {
    this.consecutive = 0;
    this.probing = false;
    this.state = 'closed';
  }

  /** The call proved nothing either way (it outlived its timeout, the subgraph is alive): a half-open breaker may probe again. */
  release(): void {
    this.probing = false;
  }

  failure(): void {
    this.probing = false;
    this.consecutive++;
    if (this.state === 'half-open' || this.consecutive >= this.failures) {
      this.state = 'open';
      this.openedAt = this.now();
    }
  }
}
