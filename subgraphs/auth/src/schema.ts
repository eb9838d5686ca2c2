import { loadTypeDefs, type CompleteResolvers } from '@centavo/server';
import { usersResolvers } from './modules/users/users.resolvers.js';
import type { Resolvers } from './resolvers.generated.js';

/** The subgraph's SDL, generated from its modules' .graphql files by scripts/codegen.ts. */
export const typeDefs = loadTypeDefs(new URL('../schema.graphql', import.meta.url));

export const resolvers = { ...usersResolvers } satisfies CompleteResolvers<Resolvers>;
