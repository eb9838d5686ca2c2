/**
 * Calls in flight by key: a second caller with the same key while the first call runs gets
 * the first call's result instead of a call of its own. Nothing is kept once a call settles,
 * so this shares work between concurrent callers only; it is no cache. The key must hold
 * everything the answer depends on (for a subgraph call: URL, document, variables and the
 * caller's credentials), so no caller ever gets an answer meant for another.
 */
export class InflightRequests<T> {
  private readonly calls = new Map<string, Promise<T>>();
  /** Callers served by another's call so far. */
  shared = 0;
  /** Calls made so far. */
  started = 0;

  run(key: string, call: () => Promise<T>): Promise<T> {
    const running = this.calls.get(key);
    if (running) {
      this.shared++;
      return running;
    }
    this.started++;
    const promise = call().finally(() => this.calls.delete(key));
    this.calls.set(key, promise);
    return promise;
  }

  /** Calls in flight now. */
  get size(): number {
    return this.calls.size;
  }
}
