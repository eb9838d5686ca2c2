import { buildSchema, getOperationAST, parse } from 'graphql';
import { describe, expect, it, vi } from 'vitest';
import { openEventStream, type EventStreamOptions } from '../src/subscriptions/event-stream.js';
import { batchRefetches, resultOf, type RefetchOutcome, type RunQuery } from '../src/subscriptions/refetch-batcher.js';
import { planRefetch, type RefetchPlan } from '../src/subscriptions/refetch-plan.js';
import { buildSubscriptionSchema } from '../src/subscriptions/schema.js';

/** Batches of up to 100 objects, whatever their size. */
const unlimited = { max: 100, fits: () => true };

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

type Options = EventStreamOptions<number, string>;

function numbers(src: ReturnType<typeof source>, overrides: Partial<Options> = {}) {
  const dropped: number[] = [];
  const stream = openEventStream<number, string>({
    limit: 10,
    batchSize: 10,
    windowMs: 0,
    listen: src.listen,
    key: (n) => String(n),
    load: async (n) => `event ${n}`,
    dropped: (count) => `dropped ${count}`,
    onDrop: (n) => dropped.push(n),
    ...overrides,
  });
  return { stream, dropped };
}

const values = async (stream: AsyncIterator<string>, count: number) => {
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push((await stream.next()).value as string);
  return out;
};

describe('event stream', () => {
  it('delivers in order and, past its bound, replaces the oldest events by one count of them', async () => {
    const src = source();
    const { stream: opening, dropped } = numbers(src, { limit: 2 });
    const stream = await opening;
    for (const n of [1, 2, 3, 4, 5]) src.emit(n);
    expect(dropped).toEqual([1, 2, 3]);
    // The drop is told first (older than what is left), then the newest events.
    expect(await values(stream, 3)).toEqual(['dropped 3', 'event 4', 'event 5']);
  });

  it('skips an event whose load is null (a revoked member) and delivers the next ones', async () => {
    const src = source();
    const stream = await numbers(src, { load: async (n) => (n % 2 ? `event ${n}` : null) }).stream;
    for (const n of [1, 2, 3]) src.emit(n);
    expect(await values(stream, 2)).toEqual(['event 1', 'event 3']);
    // Only skipped events waiting: the stream waits for the next one instead of ending.
    const next = stream.next();
    src.emit(4);
    src.emit(5);
    expect((await next).value).toBe('event 5');
    expect(src.stop).not.toHaveBeenCalled();
  });

  it('tells of drops after the results of older events and before newer ones', async () => {
    const src = source();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const stream = await numbers(src, {
      limit: 2,
      load: async (n) => {
        if (n <= 2) await gate;
        return `event ${n}`;
      },
    }).stream;
    src.emit(1);
    src.emit(2);
    const first = stream.next();
    // 1 and 2 are loading; 3..6 overflow the queue of 2 while the consumer is busy.
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    for (const n of [3, 4, 5, 6]) src.emit(n);
    release();
    expect((await first).value).toBe('event 1');
    expect(await values(stream, 4)).toEqual(['event 2', 'dropped 2', 'event 5', 'event 6']);
  });

  it('loads every waiting event in the same turn, up to the batch size', async () => {
    const src = source();
    const turns: number[][] = [];
    let current: number[] | undefined;
    const stream = await numbers(src, {
      batchSize: 3,
      load: async (n) => {
        if (!current) {
          current = [];
          turns.push(current);
          queueMicrotask(() => (current = undefined));
        }
        current.push(n);
        return `event ${n}`;
      },
    }).stream;
    for (const n of [1, 2, 3, 4, 5]) src.emit(n);
    expect(await values(stream, 5)).toEqual(['event 1', 'event 2', 'event 3', 'event 4', 'event 5']);
    expect(turns).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
  });

  it('waits the window after the first event of an idle stream, to load a burst together', async () => {
    const src = source();
    const load = vi.fn(async (n: number) => `event ${n}`);
    const stream = await numbers(src, { windowMs: 30, load }).stream;
    const first = stream.next();
    src.emit(1);
    setTimeout(() => src.emit(2), 5);
    expect((await first).value).toBe('event 1');
    expect(load).toHaveBeenCalledTimes(2);
    expect((await stream.next()).value).toBe('event 2');
  });

  it('merges events of one object still waiting: the load after the newest sees every change', async () => {
    const src = source();
    const merged: number[] = [];
    const stream = await numbers(src, { key: (n) => String(n % 10), onMerge: (n) => merged.push(n) }).stream;
    for (const n of [1, 2, 11, 21]) src.emit(n);
    expect(merged).toEqual([11, 21]);
    expect(await values(stream, 2)).toEqual(['event 1', 'event 2']);
  });

  it('stops listening at once when returned while next() waits', async () => {
    const src = source();
    const stream = await numbers(src).stream;
    const pending = stream.next();
    await stream.return();
    expect(src.stop).toHaveBeenCalledTimes(1);
    expect(await pending).toEqual({ value: undefined, done: true });
    src.emit(1);
    expect(await stream.next()).toEqual({ value: undefined, done: true });
  });

  it('ends and stops listening when load gives nothing (socket closed)', async () => {
    const src = source();
    const stream = await numbers(src, { load: async () => undefined }).stream;
    src.emit(1);
    expect(await stream.next()).toEqual({ value: undefined, done: true });
    expect(src.stop).toHaveBeenCalledTimes(1);
  });
});

const sub = buildSubscriptionSchema(
  buildSchema(`
    type Transaction { id: ID! note: String }
    type Query { transaction(id: ID!): Transaction }
  `),
);

function plan(query: string): RefetchPlan {
  const document = parse(query);
  const result = planRefetch(sub, document, getOperationAST(document)!, {}, unlimited);
  if ('errors' in result) throw new Error('bad plan');
  return result;
}

/** A gateway that answers each object by id; `missing` ids get NOT_FOUND, as the subgraph says. */
function fakeGateway(missing: string[] = []) {
  const calls: { token: string; query: string; variables: Record<string, unknown> }[] = [];
  let release: () => void = () => undefined;
  let gate: Promise<void> | undefined;
  const run: RunQuery = async (request) => {
    calls.push(request);
    if (gate) await gate;
    const root = parse(request.query).definitions[0];
    if (root?.kind !== 'OperationDefinition') throw new Error('no operation');
    const data: Record<string, unknown> = {};
    const errors: { message: string; path: string[]; locations: { line: number; column: number }[]; extensions: Record<string, unknown> }[] = [];
    for (const selection of root.selectionSet.selections) {
      if (selection.kind !== 'Field') continue;
      const key = selection.alias?.value ?? selection.name.value;
      const argument = selection.arguments?.[0]?.value;
      const id = String(argument?.kind === 'Variable' ? request.variables[argument.name.value] : '');
      if (missing.includes(id)) {
        data[key] = null;
        errors.push({ message: 'Transaction not found', path: [key], locations: [{ line: 1, column: 2 }], extensions: { code: 'NOT_FOUND' } });
      } else data[key] = { id, note: `${request.token}:${id}` };
    }
    const outcome: RefetchOutcome = { kind: 'result', result: errors.length ? { errors, data } : { data } };
    return outcome;
  };
  return {
    calls,
    run,
    hold() {
      gate = new Promise((resolve) => (release = resolve));
    },
    release: () => {
      gate = undefined;
      release();
    },
  };
}

describe('batched refetches', () => {
  const p = plan(`subscription { tx: transactionCategorized { id note } }`);

  it('answers the refetches of one turn with one query, each with its own object and errors', async () => {
    const gateway = fakeGateway(['b']);
    const refetch = batchRefetches(gateway.run);
    const [a, b, c] = await Promise.all(['a', 'b', 'c'].map((id) => refetch({ token: 't1', plan: p, id })));
    expect(gateway.calls).toHaveLength(1);
    expect(gateway.calls[0]?.variables).toEqual({ eventId_0: 'a', eventId_1: 'b', eventId_2: 'c' });
    expect(a).toEqual({ kind: 'result', result: { data: { tx: { id: 'a', note: 't1:a' } } } });
    // Shaped as the one-object query's answer: path under the client's key, no locations of our query.
    expect(b).toEqual({
      kind: 'result',
      result: { data: { tx: null }, errors: [{ message: 'Transaction not found', path: ['tx'], extensions: { code: 'NOT_FOUND' } }] },
    });
    expect(c).toEqual({ kind: 'result', result: { data: { tx: { id: 'c', note: 't1:c' } } } });
  });

  it('sends one object exactly as the query an HTTP client would send', async () => {
    const gateway = fakeGateway();
    const refetch = batchRefetches(gateway.run);
    await refetch({ token: 't1', plan: p, id: 'a' });
    expect(gateway.calls).toEqual([{ token: 't1', query: p.query, variables: { eventId: 'a' } }]);
  });

  it('never mixes tokens (users) or selections in one query', async () => {
    const gateway = fakeGateway();
    const refetch = batchRefetches(gateway.run);
    const other = plan(`subscription { tx: transactionCategorized { id } }`);
    const [ana, bob, anaOther] = await Promise.all([
      refetch({ token: 'ana', plan: p, id: 'x' }),
      refetch({ token: 'bob', plan: p, id: 'x' }),
      refetch({ token: 'ana', plan: other, id: 'x' }),
    ]);
    expect(gateway.calls.map((c) => c.token).sort()).toEqual(['ana', 'ana', 'bob']);
    expect(ana).toEqual({ kind: 'result', result: { data: { tx: { id: 'x', note: 'ana:x' } } } });
    expect(bob).toEqual({ kind: 'result', result: { data: { tx: { id: 'x', note: 'bob:x' } } } });
    expect(anaOther).toEqual({ kind: 'result', result: { data: { tx: { id: 'x', note: 'ana:x' } } } });
  });

  it('collects while a query is in flight, caps each query at the batch size, and shares one id', async () => {
    const gateway = fakeGateway();
    const refetch = batchRefetches(gateway.run);
    const small: RefetchPlan = { ...p, maxBatch: 2 };
    gateway.hold();
    const first = refetch({ token: 't', plan: small, id: 'a' });
    await new Promise((r) => setImmediate(r));
    expect(gateway.calls).toHaveLength(1);
    // Asked while 'a' is in flight: they wait for it and never join it (it read before they happened).
    const later = ['a', 'b', 'b', 'c'].map((id) => refetch({ token: 't', plan: small, id }));
    await new Promise((r) => setImmediate(r));
    expect(gateway.calls).toHaveLength(1);
    gateway.release();
    await Promise.all([first, ...later]);
    expect(gateway.calls.map((c) => Object.values(c.variables))).toEqual([['a'], ['a', 'b'], ['c']]);
  });

  it('rejects every waiter when the query fails, and keeps working after', async () => {
    let fail = true;
    const gateway = fakeGateway();
    const refetch = batchRefetches(async (request) => {
      if (fail) throw new Error('gateway down');
      return gateway.run(request);
    });
    const failed = await Promise.allSettled(['a', 'b'].map((id) => refetch({ token: 't', plan: p, id })));
    expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    expect(await refetch({ token: 't', plan: p, id: 'a' })).toMatchObject({ kind: 'result' });
  });

  it('gives errors of no object (a failed subgraph) to every object', () => {
    const batch = p.batchQuery(2);
    const result = { data: null, errors: [{ message: 'Service unavailable', extensions: { code: 'SERVICE_UNAVAILABLE' } }] };
    expect(resultOf(result, batch, 1, 'tx')).toEqual(result);
  });
});
