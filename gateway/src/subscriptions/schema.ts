import { extendSchema, getNamedType, isObjectType, parse, type GraphQLSchema } from 'graphql';
import { EVENT_FIELDS, type EventField, type EventTypename } from '@centavo/pubsub';

/** A field of the contract's `Subscription` type and the query that refetches its object. */
export interface SubscriptionField {
  name: EventField;
  typename: EventTypename;
  /** Root query field taking `id: ID!` that loads one object as the subscriber may see it. */
  queryField: string;
  /** Argument whose value an event's id must equal to reach the subscriber. */
  filterArg?: string;
  description: string;
}

export const SUBSCRIPTION_FIELDS: readonly SubscriptionField[] = [
  {
    name: 'transactionCategorized',
    typename: EVENT_FIELDS.transactionCategorized,
    queryField: 'transaction',
    description: 'A transaction of the caller got (or changed) its category by RULE or AI.',
  },
  { name: 'alertRaised', typename: EVENT_FIELDS.alertRaised, queryField: 'alert', description: 'An alert was raised for the caller.' },
  {
    name: 'budgetUpdated',
    typename: EVENT_FIELDS.budgetUpdated,
    queryField: 'budget',
    description: "A budget's spent amount changed.",
  },
  {
    name: 'importProgress',
    typename: EVENT_FIELDS.importProgress,
    queryField: 'importJob',
    filterArg: 'id',
    description: 'Progress of one of the caller\'s import jobs (the job with this id only).',
  },
];

export interface SubscriptionSchema {
  schema: GraphQLSchema;
  fields: readonly SubscriptionField[];
}

/**
 * The supergraph's API schema plus the `Subscription` fields whose type and refetch query
 * exist in it: fields of domains not composed yet appear when the supergraph gains them.
 */
export function buildSubscriptionSchema(apiSchema: GraphQLSchema): SubscriptionSchema {
  const queryFields = apiSchema.getQueryType()?.getFields() ?? {};
  const fields = SUBSCRIPTION_FIELDS.filter((field) => {
    const type = apiSchema.getType(field.typename);
    const query = queryFields[field.queryField];
    return (
      isObjectType(type) &&
      query !== undefined &&
      getNamedType(query.type) === type &&
      query.args.some((arg) => arg.name === 'id')
    );
  });
  if (fields.length === 0) return { schema: apiSchema, fields };
  const lines = fields.map((f) => {
    const args = f.filterArg ? `(${f.filterArg}: ID!)` : '';
    return `  ${JSON.stringify(f.description)}\n  ${f.name}${args}: ${f.typename}!`;
  });
  // `type Subscription` alone does not become the root type (docs/toolchain.md).
  const sdl = `extend schema { subscription: Subscription }\n"Served over graphql-ws at /graphql; only the caller's own events."\ntype Subscription {\n${lines.join('\n')}\n}`;
  return { schema: extendSchema(apiSchema, parse(sdl)), fields };
}
