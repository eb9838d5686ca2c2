export interface EventStreamOptions<E, R> {
  /** Most events kept while the consumer is busy; past it the oldest is dropped. */
  limit: number;
  /** Starts listening; resolves (once listening) to the function that stops. */
  listen(push: (event: E) => void): Promise<() => Promise<void>>;
  /** What the consumer receives for an event; undefined ends the stream. Must not throw. */
  load(event: E): Promise<R | undefined>;
  onDrop(event: E): void;
}

export interface EventStream<R> extends AsyncIterableIterator<R> {
  return(): Promise<IteratorResult<R>>;
}

/**
 * A plain async iterator over pushed events. Not an `async function*`: a generator's return()
 * waits for a pending next(), so a closed socket would keep its Redis subscription (docs/toolchain.md).
 */
export async function openEventStream<E, R>(options: EventStreamOptions<E, R>): Promise<EventStream<R>> {
  const queue: E[] = [];
  let wake: ((event: E | undefined) => void) | undefined;
  let closed = false;
  const done: IteratorResult<R> = { value: undefined, done: true };

  const stop = await options.listen((event) => {
    if (closed) return;
    if (wake) {
      const waiting = wake;
      wake = undefined;
      waiting(event);
      return;
    }
    if (queue.length >= options.limit) {
      const oldest = queue.shift();
      if (oldest !== undefined) options.onDrop(oldest);
    }
    queue.push(event);
  });

  const stream: EventStream<R> = {
    async next() {
      if (closed) return done;
      const event = queue.length > 0 ? queue.shift() : await new Promise<E | undefined>((resolve) => (wake = resolve));
      if (event === undefined || closed) return done;
      const value = await options.load(event);
      if (value === undefined) {
        await stream.return();
        return done;
      }
      return closed ? done : { value, done: false };
    },
    async return() {
      if (closed) return done;
      closed = true;
      queue.length = 0;
      wake?.(undefined);
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
