import { randomUUID } from 'node:crypto';
import { DEFAULT_CATEGORIES, defaultCategoryId, type DefaultSlug } from '../../packages/categories/src/index.js';
import { directionOf, type Direction } from '../../subgraphs/ai/src/modules/categorize/slugs.js';
import type { Random } from '../lib/random.js';
import type { Catalog, CatalogLine } from './catalog.js';
import { createAccounts, historyDay, later, type SeedAccount } from './accounts.js';

export interface SeedTransaction {
  id: string;
  userId: string;
  accountId: string;
  amountMinor: bigint;
  currency: string;
  /** "YYYY-MM-DD" */
  date: string;
  description: string;
  merchant: string | null;
  categoryId: string | null;
  categorySource: 'USER' | 'AI' | null;
  transferPeerId: string | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  /** What the budget domain counts as a transfer: a transfer leg or a category of kind TRANSFER. */
  isTransfer: boolean;
}

/** The ai domain's latest decision about a transaction (categorizations). */
export interface SeedDecision {
  transactionId: string;
  userId: string;
  categoryId: string | null;
  suggestions: { categoryId: string; confidence: number }[];
  confidence: number;
  source: 'USER' | 'AI';
  explanation: string;
  transactionVersion: number;
  at: Date;
}

/** A user's choice the ai domain learned from (learned_corrections, priors). */
export interface SeedCorrection {
  transactionId: string;
  userId: string;
  version: number;
  merchant: string | null;
  categoryId: string;
  direction: Direction;
  tokens: string[];
  at: Date;
}

/** A user's choice of a default category for a plain transaction: a row the global model trains on (training_examples). */
export interface SeedChoice {
  transactionId: string;
  description: string;
  /** Signed cents (BRL and USD have two decimals, as the model's amount features expect). */
  amountCents: bigint;
  slug: DefaultSlug;
  version: number;
  at: Date;
}

export interface SeedUser {
  id: string;
  email: string;
  name: string;
  createdAt: Date;
  accounts: SeedAccount[];
  transactions: SeedTransaction[];
  decisions: SeedDecision[];
  corrections: SeedCorrection[];
  choices: SeedChoice[];
  /** merchant → the newest choice and how many choices in a row picked it (merchant_memory). */
  memory: Map<string, { categoryId: string; count: number; at: Date }>;
  /** The ids of the user's default categories (derived from user and slug, as every domain does). */
  categoryIds: Record<DefaultSlug, string>;
  /** The slug of each default category id. */
  slugOf: Map<string, DefaultSlug>;
}

export interface GenerateContext {
  catalog: Catalog;
  now: Date;
  /** History spans this many days back from today. */
  days: number;
  runTag: string;
}

/** How users treat the categorizer: shares measured nowhere, chosen to give every path some rows. */
const P = { chooseAtCreation: 0.2, correctWrongGuess: 0.6, categorizeUnsure: 0.4, favourite: 0.7 } as const;
const FAVOURITES = 40;
/** Rough BRL per USD for transfers between currencies. */
const BRL_PER_USD = 5.4;
const FIRST_NAMES = ['Ana', 'Bruno', 'Carla', 'Diego', 'Elisa', 'Fábio', 'Gabriela', 'Heitor', 'Isabela', 'João', 'Larissa', 'Marcos', 'Natália', 'Otávio', 'Paula', 'Rafael', 'Sofia', 'Thiago', 'Vitória', 'William'];
const LAST_NAMES = ['Silva', 'Santos', 'Oliveira', 'Souza', 'Costa', 'Pereira', 'Almeida', 'Ribeiro', 'Carvalho', 'Gomes', 'Smith', 'Johnson'];

const seconds = (date: Date, s: number) => new Date(date.getTime() + s * 1000);

/**
 * One user's 18 months: accounts, transactions (transfers as two legs) in creation order, and
 * what the categorize worker and the user did to each: the user's choice at creation, the
 * merchant memory or the model's guess (often corrected when wrong), or an unsure guess the
 * user categorized later, or left uncategorized.
 */
export function generateUser(ctx: GenerateContext, index: number, count: number, rng: Random): SeedUser {
  const { lines } = ctx.catalog;
  const id = randomUUID();
  const createdAt = new Date(ctx.now.getTime() - (ctx.days + rng.int(1, 30)) * 86_400_000);
  const user: SeedUser = {
    id,
    email: `seed-${ctx.runTag}-${index}@example.com`,
    name: `${rng.pick(FIRST_NAMES)} ${rng.pick(LAST_NAMES)}`,
    createdAt,
    accounts: createAccounts(id, createdAt, rng),
    transactions: [],
    decisions: [],
    corrections: [],
    choices: [],
    memory: new Map(),
    categoryIds: Object.fromEntries(DEFAULT_CATEGORIES.map((c) => [c.slug, defaultCategoryId(id, c.slug)])) as Record<DefaultSlug, string>,
    slugOf: new Map(),
  };
  for (const [slug, categoryId] of Object.entries(user.categoryIds)) user.slugOf.set(categoryId, slug as DefaultSlug);
  const favourites = Array.from({ length: FAVOURITES }, () => rng.pick(lines));
  const drafts: { line: CatalogLine; amountMinor: bigint; createdAt: Date; transfer: boolean }[] = [];
  for (let produced = 0; produced < count; ) {
    const line = rng.chance(P.favourite) ? rng.pick(favourites) : rng.pick(lines);
    const magnitude = Math.max(1, Math.round(Math.abs(line.amountMinor) * (0.7 + 0.6 * rng.next())));
    const transfer = line.slug === 'transfer' && user.accounts.length >= 2 && count - produced >= 2;
    drafts.push({ line, amountMinor: BigInt(Math.sign(line.amountMinor) * magnitude), createdAt: historyDay(ctx, rng).createdAt, transfer });
    produced += transfer ? 2 : 1;
  }
  drafts.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  for (const d of drafts) {
    if (d.transfer) addTransfer(user, d.line, d.amountMinor < 0n ? -d.amountMinor : d.amountMinor, d.createdAt, rng);
    else addSingle(user, d.line, d.amountMinor, d.createdAt, ctx, rng);
  }
  return user;
}

function addSingle(user: SeedUser, line: CatalogLine, amountMinor: bigint, createdAt: Date, ctx: GenerateContext, rng: Random): void {
  const accounts = amountMinor > 0n ? user.accounts.filter((a) => a.type !== 'CREDIT_CARD') : user.accounts;
  const account = rng.chance(0.6) ? accounts[0]! : rng.pick(accounts);
  const label = user.categoryIds[line.slug];
  const transferId = user.categoryIds.transfer;
  const tx: SeedTransaction = {
    id: randomUUID(),
    userId: user.id,
    accountId: account.id,
    amountMinor,
    currency: account.currency,
    date: createdAt.toISOString().slice(0, 10),
    description: line.description,
    merchant: null,
    categoryId: null,
    categorySource: null,
    transferPeerId: null,
    version: 1,
    createdAt,
    updatedAt: createdAt,
    isTransfer: false,
  };
  const decide = (d: Omit<SeedDecision, 'transactionId' | 'userId'>) => ({ transactionId: tx.id, userId: user.id, ...d });
  const userChoice = (version: number, at: Date): SeedDecision => {
    Object.assign(tx, { categoryId: label, categorySource: 'USER', version, updatedAt: at });
    learn(user, tx, line, at);
    // With GLOBAL_LEARNING (on by default) every such choice is also a training row of the global model.
    user.choices.push({ transactionId: tx.id, description: tx.description, amountCents: tx.amountMinor, slug: line.slug, version, at });
    return decide({ categoryId: label, suggestions: [{ categoryId: label, confidence: 1 }], confidence: 1, source: 'USER', explanation: 'chosen by you', transactionVersion: version, at });
  };
  let decision: SeedDecision;
  if (rng.chance(P.chooseAtCreation)) decision = userChoice(1, createdAt);
  else {
    const at = seconds(createdAt, 2);
    const guess = guessOf(user, line);
    decision = decide({ ...guess, source: 'AI', transactionVersion: 1, at });
    if (guess.categoryId) {
      // The worker's decision reaches the transaction as version 2, with the merchant it found.
      Object.assign(tx, { categoryId: guess.categoryId, categorySource: 'AI', merchant: line.merchant, version: 2, updatedAt: at });
      if (guess.categoryId !== label && rng.chance(P.correctWrongGuess)) decision = userChoice(3, later(at, ctx.now, rng));
    } else if (rng.chance(P.categorizeUnsure)) decision = userChoice(2, later(at, ctx.now, rng));
  }
  tx.isTransfer = tx.categoryId === transferId;
  user.transactions.push(tx);
  user.decisions.push(decision);
}

/** The pipeline without rules (seeded users have none): the user's merchant memory, then dictionary and model. */
function guessOf(user: SeedUser, line: CatalogLine): Pick<SeedDecision, 'categoryId' | 'suggestions' | 'confidence' | 'explanation'> {
  const idOf = (slug: string) => user.categoryIds[slug as DefaultSlug];
  const suggestions = line.cold.suggestions.slice(0, 3).map((s) => ({ categoryId: idOf(s.slug), confidence: s.confidence }));
  const memory = line.merchant ? user.memory.get(line.merchant) : undefined;
  if (memory) {
    const times = memory.count === 1 ? 'once' : `${memory.count} times`;
    const as = user.slugOf.get(memory.categoryId) ?? 'your category';
    return { categoryId: memory.categoryId, suggestions, confidence: 0.95, explanation: `merchant ${line.merchant} seen ${times} as ${as}` };
  }
  const categoryId = line.cold.slug ? idOf(line.cold.slug) : null;
  return { categoryId, suggestions, confidence: line.cold.confidence, explanation: line.cold.explanation };
}

/** What CategorizationRepository.learn records for a user's choice: memory, priors, the (id, version) learned. */
function learn(user: SeedUser, tx: SeedTransaction, line: CatalogLine, at: Date): void {
  if (!line.merchant && line.tokens.length === 0) return;
  const categoryId = tx.categoryId!;
  user.corrections.push({
    transactionId: tx.id,
    userId: user.id,
    version: tx.version,
    merchant: line.merchant,
    categoryId,
    direction: directionOf(Number(tx.amountMinor)),
    tokens: line.tokens,
    at,
  });
  if (!line.merchant) return;
  const previous = user.memory.get(line.merchant);
  const count = previous?.categoryId === categoryId ? previous.count + 1 : 1;
  user.memory.set(line.merchant, { categoryId, count, at });
}

/** Both legs of a move between two of the user's accounts, in the transfer category (as createTransfer writes them). */
function addTransfer(user: SeedUser, line: CatalogLine, amountMinor: bigint, createdAt: Date, rng: Random): void {
  const from = rng.pick(user.accounts);
  const to = rng.pick(user.accounts.filter((a) => a.id !== from.id));
  let toAmount = amountMinor;
  if (from.currency !== to.currency) {
    const rate = from.currency === 'USD' ? BRL_PER_USD : 1 / BRL_PER_USD;
    toAmount = BigInt(Math.max(1, Math.round(Number(amountMinor) * rate)));
  }
  const categoryId = user.categoryIds.transfer;
  const useLine = rng.chance(0.5);
  const [outId, inId] = [randomUUID(), randomUUID()];
  const leg = (id: string, peer: string, accountId: string, currency: string, amount: bigint, text: string): SeedTransaction => ({
    id,
    userId: user.id,
    accountId,
    amountMinor: amount,
    currency,
    date: createdAt.toISOString().slice(0, 10),
    description: useLine ? line.description : text,
    merchant: null,
    categoryId,
    categorySource: 'USER',
    transferPeerId: peer,
    version: 1,
    createdAt,
    updatedAt: createdAt,
    isTransfer: true,
  });
  const legs = [
    leg(outId, inId, from.id, from.currency, -amountMinor, `Transfer to ${to.name}`),
    leg(inId, outId, to.id, to.currency, toAmount, `Transfer from ${from.name}`),
  ];
  for (const t of legs) {
    user.transactions.push(t);
    // The ai domain records a user's category for a transfer but learns nothing from its words.
    user.decisions.push({
      transactionId: t.id,
      userId: user.id,
      categoryId,
      suggestions: [{ categoryId, confidence: 1 }],
      confidence: 1,
      source: 'USER',
      explanation: 'chosen by you',
      transactionVersion: 1,
      at: createdAt,
    });
  }
}
