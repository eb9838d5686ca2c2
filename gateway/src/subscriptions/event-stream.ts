export interface EventStreamOptions<E, R> {
  /** Most events kept while the consumer is busy; past it the oldest is dropped (and counted). */
  limit: number;
  /** Most events loaded at once: every waiting event up to this many is taken in one go. */
  batchSize: number;
  /**
   * How long a stream that was idle waits after its first event before loading, so that the
   * events of a burst are loaded together (0: in the same turn of the event loop).
   */
  windowMs: number;
  /** Starts listening; resolves (once listening) to the function that stops. */
  listen(push: (event: E) => void): Promise<() => Promise<void>>;
  /**
   * Events with the same key waiting together are one: the load after the newest one already
   * sees every change, so the consumer gets the object once, in its latest state.
   */
  key(event: E): string;
  /**
   * What the consumer receives for an event; undefined ends the stream, null skips the event
   * (nothing for the consumer). Must not throw. Called
   * for every taken event in the same turn, so that a batching loader sees them together.
   */
  load(event: E): Promise<R | undefined | null>;
  /** What the consumer receives in place of `count` dropped events, before any newer event. */
  dropped(count: number): R;
  onDrop(event: E): void;
  onMerge?(event: E): void;
}

export interface EventStream<R> extends AsyncIterableIterator<R> {
  return(): Promise<IteratorResult<R>>;
}

/**
 * A plain async iterator over pushed events. Not an `async function*`: a generator's return()
 * waits for a pending next(), so a closed socket would keep its Redis subscription (docs/toolchain.md).
 *
 * Events wait in a bounded queue while the consumer is busy (a slow socket does not take the
 * next result): they are then loaded together, and the ones that did not fit are replaced by
 * one `dropped(count)` value, so that a consumer never loses events without knowing it.
 */
export async function openEventStream<E, R>(options: EventStreamOptions<E, R>): Promise<EventStream<R>> {
  // Insertion-ordered: the oldest waiting event first.
  const queue = new Map<string, E>();
  const ready: R[] = [];
  let dropped = 0;
  let wake: (() => void) | undefined;
  let closed = false;
  const done: IteratorResult<R> = { value: undefined, done: true };

  const stop = await options.listen((event) => {
    if (closed) return;
    const key = options.key(event);
    if (queue.has(key)) {
      options.onMerge?.(event);
      return;
    }
    if (queue.size >= options.limit) {
      const [oldestKey, oldest] = queue.entries().next().value as [string, E];
      queue.delete(oldestKey);
      dropped++;
      options.onDrop(oldest);
    }
    queue.set(key, event);
    const waiting = wake;
    wake = undefined;
    waiting?.();
  });

  /** Waits for an event, then for the window, and takes every waiting event up to batchSize. */
  async function take(): Promise<E[] | undefined> {
    if (queue.size === 0) {
      await new Promise<void>((resolve) => (wake = resolve));
      if (closed) return undefined;
      await new Promise((resolve) => (options.windowMs > 0 ? setTimeout(resolve, options.windowMs) : setImmediate(resolve)));
      if (closed) return undefined;
    }
    const taken: E[] = [];
    for (const [key, event] of queue) {
      if (taken.length >= options.batchSize) break;
      taken.push(event);
      queue.delete(key);
    }
    return taken;
  }

  const stream: EventStream<R> = {
    async next() {
      if (closed) return done;
      const value = ready.shift();
      if (value !== undefined) return { value, done: false };
      if (dropped > 0) {
        // After the results of older events, before those of newer ones.
        const count = dropped;
        dropped = 0;
        return { value: options.dropped(count), done: false };
      }
      const taken = await take();
      if (!taken || closed) return done;
      const results = await Promise.all(taken.map((event) => options.load(event)));
      if (closed) return done;
      if (results.some((result) => result === undefined)) {
        await stream.return();
        return done;
      }
      ready.push(...(results as (R | null)[]).filter((result): result is R => result !== null));
      return stream.next();
    },
    async return() {
      if (closed) return done;
      closed = true;
      queue.clear();
      ready.length = 0;
      wake?.();
      wake = undefined;
      await stop();
      return done;
    },
    async throw(error?: unknown) {
      await stream.return();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return stream;
    },
  };
  return stream;
}
