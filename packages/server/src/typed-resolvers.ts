/**
 * Resolver maps typed from the schema (the types scripts/codegen.ts generates for each subgraph),
 * made strict where the generated types are lenient: a field needs a resolver unless the record
 * its parent resolver returns (the codegen mapper) already carries it with the type the schema
 * expects there. So adding a field to a module's .graphql fails the typecheck until the record
 * has it or a resolver serves it, and a resolver returning the wrong type fails too.
 */

/** What a generated field resolver type (function, or object with `resolve`) must produce. */
type ResultOf<R> = R extends (...args: never[]) => infer Out ? Awaited<Out> : R extends { resolve: (...args: never[]) => infer Out } ? Awaited<Out> : never;

type FieldsOf<Generated> = Exclude<keyof Generated, `__${string}`>;

/** The fields of a type (its generated resolvers, e.g. UserResolvers) that `Parent`, the record, cannot serve as it is. */
export type UnservedFields<Generated, Parent> = {
  [K in FieldsOf<Generated>]-?: K extends keyof Parent ? (Parent[K] extends ResultOf<NonNullable<Generated[K]>> ? never : K) : K;
}[FieldsOf<Generated>];

/** A type's resolvers (e.g. UserResolvers) with a resolver required for each field its record does not serve. */
export type ObjectResolvers<Generated, Parent> = Generated & {
  [K in UnservedFields<Generated, Parent>]-?: NonNullable<Generated[K]>;
};

/** A subgraph's merged resolvers: every root field (Query, Mutation) has its resolver. */
export type CompleteResolvers<Generated extends { Query?: unknown; Mutation?: unknown }> = Generated & {
  [Root in 'Query' | 'Mutation' & keyof Generated]-?: Required<NonNullable<Generated[Root]>>;
};
