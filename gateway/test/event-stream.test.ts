import { describe, expect, it, vi } from 'vitest';
import { openEventStream } from '../src/subscriptions/event-stream.js';
import { shareRefetches, type RefetchOutcome } from '../src/subscriptions/shared-refetch.js';

function source() {
  let push: (event: number) => void = () => undefined;
  const stop = vi.fn(async () => undefined);
  return {
    stop,
    emit: (event: number) => push(event),
    listen: async (p: (event: number) => void) => {
      push = p;
      return stop;
    },
  };
}

describe('event stream', () => {
  it('delivers in order and drops the oldest events past its bound', async () => {
    const src = source();
    const dropped: number[] = [];
    const stream = await openEventStream<number, string>({
      limit: 2,
      listen: src.listen,
      load: async (n) => `event ${n}`,
      onDrop: (n) => dropped.push(n),
    });
    for (const n of [1, 2, 3, 4]) src.emit(n);
    expect(dropped).toEqual([1, 2]);
    expect(await stream.next()).toEqual({ value: 'event 3', done: false });
    expect(await stream.next()).toEqual({ value: 'event 4', done: false });
  });

  it('stops listening at once when returned while next() waits', async () => {
    const src = source();
    const stream = await openEventStream<number, number>({ limit: 10, listen: src.listen, load: async (n) => n, onDrop: () => undefined });
    const pending = stream.next();
    await stream.return();
    expect(src.stop).toHaveBeenCalledTimes(1);
    expect(await pending).toEqual({ value: undefined, done: true });
    src.emit(1);
    expect(await stream.next()).toEqual({ value: undefined, done: true });
  });

  it('ends and stops listening when load gives nothing (socket closed)', async () => {
    const src = source();
    const stream = await openEventStream<number, number>({ limit: 10, listen: src.listen, load: async () => undefined, onDrop: () => undefined });
    src.emit(1);
    expect(await stream.next()).toEqual({ value: undefined, done: true });
    expect(src.stop).toHaveBeenCalledTimes(1);
  });
});

describe('shared refetches', () => {
  it('runs identical refetches in flight once, and each event separately', async () => {
    let release: (outcome: RefetchOutcome) => void = () => undefined;
    const run = vi.fn(() => new Promise<RefetchOutcome>((resolve) => (release = resolve)));
    const refetch = shareRefetches(run);
    const request = { token: 't', query: 'q', variables: { eventId: '1' }, messageId: 1 };
    const a = refetch(request);
    const b = refetch({ ...request, variables: { eventId: '1' } });
    expect(run).toHaveBeenCalledTimes(1);
    release({ kind: 'result', result: { data: { x: 1 } } });
    expect(await a).toBe(await b);

    void refetch({ ...request, token: 'other' });
    void refetch({ ...request, messageId: 2 });
    expect(run).toHaveBeenCalledTimes(3);
  });
});
