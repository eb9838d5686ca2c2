import { loadTypeDefs, type CompleteResolvers } from '@centavo/server';
import { accountsResolvers } from './modules/accounts/accounts.resolvers.js';
import { importsResolvers } from './modules/imports/imports.resolvers.js';
import { sharesResolvers } from './modules/shares/shares.resolvers.js';
import { splitsResolvers } from './modules/splits/splits.resolvers.js';
import { transactionsResolvers } from './modules/transactions/transactions.resolvers.js';
import { webhooksResolvers } from './modules/webhooks/webhooks.resolvers.js';
import type { Resolvers } from './resolvers.generated.js';

/** The subgraph's SDL, generated from its modules' .graphql files by scripts/codegen.ts. */
export const typeDefs = loadTypeDefs(new URL('../schema.graphql', import.meta.url));

// The modules serve Query, Mutation and Account fields: merged type by type.
export const resolvers = {
  Query: { ...accountsResolvers.Query, ...transactionsResolvers.Query, ...importsResolvers.Query, ...webhooksResolvers.Query, ...sharesResolvers.Query },
  Mutation: { ...accountsResolvers.Mutation, ...transactionsResolvers.Mutation, ...importsResolvers.Mutation, ...splitsResolvers.Mutation, ...webhooksResolvers.Mutation, ...sharesResolvers.Mutation },
  Account: { ...accountsResolvers.Account, ...transactionsResolvers.Account, ...sharesResolvers.Account },
  AccountShare: sharesResolvers.AccountShare,
  NetWorthMonth: accountsResolvers.NetWorthMonth,
  Transaction: transactionsResolvers.Transaction,
  TransactionSplit: splitsResolvers.TransactionSplit,
  TransactionConnection: transactionsResolvers.TransactionConnection,
  ImportJob: importsResolvers.ImportJob,
  WebhookEndpoint: webhooksResolvers.WebhookEndpoint,
  WebhookDelivery: webhooksResolvers.WebhookDelivery,
} satisfies CompleteResolvers<Resolvers>;
