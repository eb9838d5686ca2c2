import { buildSchema, printType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { buildSubscriptionSchema } from '../src/subscriptions/schema.js';

const TODAY = `
  type Transaction { id: ID! amount: String! }
  type Query { transaction(id: ID!): Transaction }
`;

describe('subscription schema', () => {
  it('extends the API schema with the fields whose object and refetch query exist', () => {
    const { schema, fields } = buildSubscriptionSchema(buildSchema(TODAY));
    expect(fields.map((f) => f.name)).toEqual(['transactionCategorized']);
    const root = schema.getSubscriptionType();
    expect(root && printType(root)).toContain('transactionCategorized: Transaction!');
    expect(schema.getQueryType()?.getFields().transaction).toBeDefined();
  });

  it('picks up fields when the supergraph gains their types, importProgress only with importJob(id)', () => {
    const later = `${TODAY}
      type Budget { id: ID! }
      type ImportJob { id: ID! }
      extend type Query { budget(id: ID!): Budget }`;
    expect(buildSubscriptionSchema(buildSchema(later)).fields.map((f) => f.name)).toEqual(['transactionCategorized', 'budgetUpdated']);

    const withImports = `${later}\nextend type Query { importJob(id: ID!): ImportJob }`;
    const { schema, fields } = buildSubscriptionSchema(buildSchema(withImports));
    expect(fields.map((f) => f.name)).toEqual(['transactionCategorized', 'budgetUpdated', 'importProgress']);
    const importProgress = schema.getSubscriptionType()?.getFields().importProgress;
    expect(importProgress?.args.map((a) => `${a.name}: ${String(a.type)}`)).toEqual(['id: ID!']);
  });

  it('adds no Subscription type when no field can be served', () => {
    const { schema, fields } = buildSubscriptionSchema(buildSchema(`type Query { me: String }`));
    expect(fields).toEqual([]);
    expect(schema.getSubscriptionType()).toBeUndefined();
  });
});
