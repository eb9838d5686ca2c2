import { notFound } from '@centavo/errors';
import { isUuid, requireUser, type ObjectResolvers } from '@centavo/server';
import type { ImportDetection, ImportJobResolvers, MutationResolvers, QueryResolvers } from '../../resolvers.generated.js';
import type { ImportJobRecord } from './imports.repository.js';
import type { ImportErrorEntry } from './parsers/types.js';

const isEntry = (e: unknown): e is ImportErrorEntry =>
  typeof e === 'object' && e !== null && typeof (e as ImportErrorEntry).line === 'number' && typeof (e as ImportErrorEntry).message === 'string';

const Query = {
  importJob: (_, { id }, ctx) => {
    const user = requireUser(ctx);
    if (!isUuid(id)) throw notFound('ImportJob');
    return ctx.imports.find(user, id);
  },
} satisfies QueryResolvers;

const Mutation = {
  importTransactions: (_, { input }, ctx) => {
    const user = requireUser(ctx);
    if (!isUuid(input.accountId)) throw notFound('Account');
    return ctx.imports.start(user, input, ctx.requestId);
  },
  cancelImport: (_, { id }, ctx) => {
    const user = requireUser(ctx);
    if (!isUuid(id)) throw notFound('ImportJob');
    return ctx.imports.cancel(user, id);
  },
} satisfies MutationResolvers;

// Stored by the worker from a parser's Detection (parsers/types.ts), whose shape is the GraphQL type's.
const isDetection = (d: unknown): d is ImportDetection => typeof d === 'object' && d !== null && typeof (d as ImportDetection).format === 'string';

const ImportJobType = {
  errors: (job) => (Array.isArray(job.errors) ? job.errors.filter(isEntry) : []),
  detected: (job) => (isDetection(job.detected) ? job.detected : null),
} satisfies ObjectResolvers<ImportJobResolvers, ImportJobRecord>;

export const importsResolvers = { Query, Mutation, ImportJob: ImportJobType };
