import { loadTypeDefs, type CompleteResolvers } from '@centavo/server';
import { categorizationResolvers } from './modules/categorization/categorization.resolvers.js';
import { rulesResolvers } from './modules/rules/rules.resolvers.js';
import type { Resolvers } from './resolvers.generated.js';

/** The subgraph's SDL, generated from its modules' .graphql files by scripts/codegen.ts. */
export const typeDefs = loadTypeDefs(new URL('../schema.graphql', import.meta.url));

export const resolvers = {
  ...rulesResolvers,
  ...categorizationResolvers,
  // Both modules add to the root type.
  Query: { ...rulesResolvers.Query, ...categorizationResolvers.Query },
} satisfies CompleteResolvers<Resolvers>;
