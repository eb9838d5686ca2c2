import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { userChannel, type UserEvent } from './events.js';
import { createPublisher } from './publisher.js';
import { createSubscriber } from './subscriber.js';

// Against the test Redis of the global setup, with a prefix of its own.
const config = { REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', REDIS_PREFIX: `centavo-test:pubsub-${randomUUID()}:` };
const publisher = createPublisher(config);
const subscriber = createSubscriber(config);
const raw = new Redis(config.REDIS_URL);
afterAll(async () => {
  await Promise.all([publisher.close(), subscriber.close(), raw.quit()]);
});

const until = async (condition: () => boolean | Promise<boolean>) => {
  for (let i = 0; i < 250 && !(await condition()); i++) await new Promise((r) => setTimeout(r, 20));
};

describe('pubsub', () => {
  it('delivers the minimal event to every listener of the user, with one message id', async () => {
    const userId = randomUUID();
    const got: [UserEvent, number][] = [];
    const stops = await Promise.all([1, 2].map(() => subscriber.subscribe(userId, (e, id) => got.push([e, id]))));
    // Extra keys (data) never travel.
    const event = { __typename: 'Transaction', id: 'tx-1', field: 'transactionCategorized', amount: '-1.00' } as const;
    await publisher.publish(userId, event);
    await until(() => got.length === 2);
    const expected = { userId, __typename: 'Transaction', id: 'tx-1', field: 'transactionCategorized' };
    expect(got.map(([e]) => e)).toEqual([expected, expected]);
    expect(got[0]?.[1]).toBe(got[1]?.[1]);
    await Promise.all(stops.map((stop) => stop()));
  });

  it('subscribes a channel once and unsubscribes it with its last listener', async () => {
    const userId = randomUUID();
    const first = await subscriber.subscribe(userId, () => undefined);
    const second = await subscriber.subscribe(userId, () => undefined);
    expect(await publisher.subscriberCount(userId)).toBe(1);
    await first();
    await first();
    expect(await publisher.subscriberCount(userId)).toBe(1);
    await second();
    await until(async () => (await publisher.subscriberCount(userId)) === 0);
    expect(await publisher.subscriberCount(userId)).toBe(0);
  });

  it('refuses malformed events and drops a message naming another user than its channel', async () => {
    const userId = randomUUID();
    await expect(publisher.publish(userId, { __typename: 'Alert', id: 'x', field: 'transactionCategorized' })).rejects.toThrow(/do not match/);
    await expect(publisher.publish(userId, { __typename: 'Transaction', id: '', field: 'transactionCategorized' })).rejects.toThrow();
    const got: UserEvent[] = [];
    const stop = await subscriber.subscribe(userId, (e) => got.push(e));
    const forged = { userId: randomUUID(), __typename: 'Transaction', id: 'tx', field: 'transactionCategorized' };
    await raw.publish(userChannel(config.REDIS_PREFIX, userId), JSON.stringify(forged));
    await raw.publish(userChannel(config.REDIS_PREFIX, userId), 'not json');
    await publisher.publish(userId, { __typename: 'Budget', id: 'b-1', field: 'budgetUpdated' });
    await until(() => got.length > 0);
    expect(got).toEqual([{ userId, __typename: 'Budget', id: 'b-1', field: 'budgetUpdated' }]);
    await stop();
  });
});
