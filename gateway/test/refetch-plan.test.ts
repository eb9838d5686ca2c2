import { buildSchema, getOperationAST, parse, print, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { planRefetch, type RefetchPlan } from '../src/subscriptions/refetch-plan.js';
import { buildSubscriptionSchema } from '../src/subscriptions/schema.js';

/** Batches of up to 100 objects, whatever their size. */
const unlimited = { max: 100, fits: () => true };

const sub = buildSubscriptionSchema(
  buildSchema(`
    type Money { amount: String! currency: String! }
    type Account { id: ID! name: String! }
    type Category { slug: String! }
    type Transaction { id: ID! amount: Money! account: Account! category: Category notes(max: Int): String }
    type ImportJob { id: ID! progress: Int! }
    type Query { transaction(id: ID!): Transaction importJob(id: ID!): ImportJob }
  `),
);

function plan(query: string, variables: Record<string, unknown> = {}): RefetchPlan {
  const document = parse(query);
  expect(validate(sub.schema, document)).toEqual([]);
  const result = planRefetch(sub, document, getOperationAST(document)!, variables, unlimited);
  if ('errors' in result) throw new Error(result.errors.map((e) => e.message).join('; '));
  // The refetch must be a valid query of the API schema.
  expect(validate(sub.schema, parse(result.query))).toEqual([]);
  return result;
}

const normalized = (query: string) => print(parse(query));

describe('planRefetch', () => {
  it('turns the subscription selection into a query by id', () => {
    const p = plan(`subscription { transactionCategorized { amount { amount } category { slug } account { name } } }`);
    expect(p.query).toBe(
      normalized(`query ($eventId: ID!) { transactionCategorized: transaction(id: $eventId) { amount { amount } category { slug } account { name } } }`),
    );
    expect(p).toMatchObject({ responseKey: 'transactionCategorized', idVariable: 'eventId', variables: {} });
  });

  it('keeps the alias, the fragments used (also nested) and the variables used', () => {
    const p = plan(
      `subscription On($max: Int) { tx: transactionCategorized { ...A notes(max: $max) } }
       fragment A on Transaction { id ...B }
       fragment B on Transaction { amount { amount } }`,
      { max: 10 },
    );
    expect(p).toMatchObject({ responseKey: 'tx', idVariable: 'eventId', variables: { max: 10 } });
    expect(p.query).toBe(
      normalized(`query On($max: Int, $eventId: ID!) { tx: transaction(id: $eventId) { ...A notes(max: $max) } }
        fragment A on Transaction { id ...B }
        fragment B on Transaction { amount { amount } }`),
    );
  });

  it('merges root fields reached through fragments on Subscription and honours @skip', () => {
    const p = plan(
      `subscription {
         transactionCategorized { id }
         ...More
         ... on Subscription { transactionCategorized @skip(if: true) { account { name } } }
       }
       fragment More on Subscription { transactionCategorized { amount { currency } } }`,
    );
    expect(p.query).toBe(normalized(`query ($eventId: ID!) { transactionCategorized: transaction(id: $eventId) { id amount { currency } } }`));
  });

  it('drops variables used only by the subscription field and avoids their names', () => {
    const p = plan(`subscription ($eventId: ID!) { importProgress(id: $eventId) { progress } }`, { eventId: 'job-1' });
    expect(p).toMatchObject({ idVariable: 'eventId1', variables: {}, filterId: 'job-1' });
    expect(p.query).toBe(normalized(`query ($eventId1: ID!) { importProgress: importJob(id: $eventId1) { progress } }`));
  });

  it('takes the filter id of importProgress from its argument, literal or variable', () => {
    expect(plan(`subscription { importProgress(id: "job-1") { progress } }`).filterId).toBe('job-1');
    const p = plan(`subscription ($job: ID!) { importProgress(id: $job) { progress } }`, { job: 'job-2' });
    expect(p.filterId).toBe('job-2');
    expect(p.variables).toEqual({});
    expect(p.query).toBe(normalized(`query ($eventId: ID!) { importProgress: importJob(id: $eventId) { progress } }`));
  });

  it('reports bad variables as errors of the client', () => {
    const document = parse(`subscription ($job: ID!) { importProgress(id: $job) { progress } }`);
    const result = planRefetch(sub, document, getOperationAST(document)!, {}, unlimited);
    expect('errors' in result && result.errors[0]?.message).toMatch(/\$job/);
  });

  it('loads many objects in one query, each with the selection, fragments and variables of the client', () => {
    const p = plan(
      `subscription On($max: Int) { tx: transactionCategorized { ...A notes(max: $max) } }
       fragment A on Transaction { id amount { amount } }`,
      { max: 3 },
    );
    const batch = p.batchQuery(3);
    expect(batch.aliases).toEqual(['r0', 'r1', 'r2']);
    expect(batch.idVariables).toEqual(['eventId_0', 'eventId_1', 'eventId_2']);
    expect(batch.query).toBe(
      normalized(`query On($max: Int, $eventId_0: ID!, $eventId_1: ID!, $eventId_2: ID!) {
          r0: transaction(id: $eventId_0) { ...A notes(max: $max) }
          r1: transaction(id: $eventId_1) { ...A notes(max: $max) }
          r2: transaction(id: $eventId_2) { ...A notes(max: $max) }
        }
        fragment A on Transaction { id amount { amount } }`),
    );
    expect(validate(sub.schema, parse(batch.query))).toEqual([]);
    expect(p.batchQuery(3)).toBe(batch);
  });

  it('names the batch id variables apart from every variable of the client', () => {
    const p = plan(`subscription ($eventId_1: Int) { transactionCategorized { notes(max: $eventId_1) } }`, { eventId_1: 2 });
    expect(p.idVariable).toBe('eventId1');
    expect(p.batchQuery(2).idVariables).toEqual(['eventId1_0', 'eventId1_1']);
    expect(validate(sub.schema, parse(p.batchQuery(2).query))).toEqual([]);
  });

  it('bounds a batch by the limits a query must meet: the largest count whose query fits', () => {
    const document = parse(`subscription { transactionCategorized { a: id b: id } }`);
    const fits = (batch: { aliases: readonly string[] }) => batch.aliases.length * 3 <= 30;
    const bounded = planRefetch(sub, document, getOperationAST(document)!, {}, { max: 100, fits });
    if ('errors' in bounded) throw new Error('bad plan');
    // Each object costs its root alias and the client's two: 10 objects make 30 aliases.
    expect(bounded.maxBatch).toBe(10);
    const capped = planRefetch(sub, document, getOperationAST(document)!, {}, { max: 4, fits });
    expect('errors' in capped ? 0 : capped.maxBatch).toBe(4);
    const none = planRefetch(sub, document, getOperationAST(document)!, {}, { max: 100, fits: () => false });
    expect('errors' in none ? 0 : none.maxBatch).toBe(1);
  });
});

