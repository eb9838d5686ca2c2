import { randomUUID } from 'node:crypto';
import type { AuthUser } from '@centavo/auth-tokens';
import type { CategoryDirectory } from '@centavo/categories';
import { badInput, notFound } from '@centavo/errors';
import { metrics } from '@centavo/metrics';
import { isUuid, MAX_TAGS, normalizeTags } from '@centavo/server';
import type {
  CreateTransactionInput,
  CreateTransferInput,
  UpdateTransactionInput,
} from '../../resolvers.generated.js';
import type { AccountRecord, AccountsRepository } from '../accounts/accounts.repository.js';
import { connection, decodeCursor, pageSize, type TransactionPage } from './pagination.js';
import { amountOf, idempotencyKeyOf, optionalText, parseDate, text } from './transaction-input.js';
import { IdempotencyKeyTaken, type NewTransaction, type TransactionFilter, type TransactionRecord, type TransactionsRepository } from './transactions.repository.js';
import { MAX_SPLIT_PARTS, partsOf, splitParts, tagIndexOf, type SplitPartRequest } from './splits.js';
import { transferLegs, updateChange } from './transfer.js';

/** What the service needs of the transactions table (the repository, or a fake in unit tests). */
export type TransactionsStore = Pick<
  TransactionsRepository,
  'createWithEvents' | 'findByIdempotencyKey' | 'updateWithEvents' | 'deleteWithEvents' | 'page' | 'count'
>;

export interface TransactionsDeps {
  transactions: TransactionsStore;
  /** Accounts by id restricted to their owner: another user's account is absent. */
  accounts: Pick<AccountsRepository, 'findManyForUser'>;
  /** The user's categories without asking the budget domain (defaults derived, custom ones from the read model). */
  categories: Pick<CategoryDirectory, 'find'>;
  /** Called after a commit that wrote events, so the relay sends them at once. */
  onEvents(): void;
  newId?: () => string;
}

export class TransactionsService {
  private readonly newId: () => string;

  constructor(private readonly d: TransactionsDeps) {
    this.newId = d.newId ?? randomUUID;
  }

  private async ownAccount(userId: string, id: string, field: string): Promise<AccountRecord> {
    const [account] = await this.d.accounts.findManyForUser(userId, [id]);
    if (!account) throw notFound(field === 'accountId' ? 'Account' : `Account (${field})`);
    return account;
  }

  private async ownCategory(user: AuthUser, categoryId: string): Promise<string> {
    if (!(await this.d.categories.find(user.id, categoryId))) throw notFound('Category');
    return categoryId;
  }

  /** A page of the user's transactions, newest first, after an opaque cursor. */
  async list(user: AuthUser, where: TransactionFilter, first?: number | null, after?: string | null): Promise<TransactionPage> {
    const size = pageSize(first);
    const rows = size === 0 ? [] : await this.d.transactions.page(user.id, where, size, decodeCursor(after));
    return connection(rows, size, () => this.d.transactions.count(user.id, where));
  }

  /**
   * Records a transaction. With an idempotency key, a retry (also a concurrent one) returns
   * the first result instead of creating a second row.
   */
  async create(user: AuthUser, input: CreateTransactionInput, requestId: string): Promise<TransactionRecord> {
    const idempotencyKey = idempotencyKeyOf(input.idempotencyKey);
    const earlier = await this.earlier(user.id, idempotencyKey);
    if (earlier) return earlier;
    const account = await this.ownAccount(user.id, input.accountId, 'accountId');
    const row: NewTransaction = {
      id: this.newId(),
      userId: user.id,
      accountId: account.id,
      amountMinor: amountOf(input.amount, account.currency, 'amount'),
      currency: account.currency,
      date: parseDate(input.date, 'date'),
      description: text(input.description, 'description', 500),
      notes: optionalText(input.notes, 'notes', 2000),
      categoryId: input.categoryId ? await this.ownCategory(user, input.categoryId) : null,
      categorySource: input.categoryId ? 'USER' : null,
      transferPeerId: null,
      idempotencyKey,
    };
    return (await this.insert(user.id, [row], idempotencyKey, requestId))[0]!;
  }

  /** Both legs of a move between the user's own accounts, written atomically; returns the outgoing leg. */
  async transfer(user: AuthUser, input: CreateTransferInput, requestId: string): Promise<TransactionRecord> {
    const idempotencyKey = idempotencyKeyOf(input.idempotencyKey);
    const earlier = await this.earlier(user.id, idempotencyKey);
    if (earlier) return earlier;
    const from = await this.ownAccount(user.id, input.fromAccountId, 'fromAccountId');
    const to = await this.ownAccount(user.id, input.toAccountId, 'toAccountId');
    const legs = transferLegs(input, { userId: user.id, from, to, ids: { out: this.newId(), in: this.newId() }, idempotencyKey });
    return (await this.insert(user.id, legs, idempotencyKey, requestId))[0]!;
  }

  private async earlier(userId: string, idempotencyKey: string | null): Promise<TransactionRecord | null> {
    return idempotencyKey ? this.d.transactions.findByIdempotencyKey(userId, idempotencyKey) : null;
  }

  private async insert(userId: string, rows: NewTransaction[], idempotencyKey: string | null, requestId: string) {
    try {
      const created = await this.d.transactions.createWithEvents(rows, requestId);
      this.d.onEvents();
      for (const row of created) {
        metrics.transactionsCreated.inc({ type: row.transferPeerId ? 'transfer' : row.amountMinor < 0n ? 'expense' : 'income' });
      }
      return created;
    } catch (error) {
      // Lost a race with a request carrying the same key: answer with the winner's row.
      if (error instanceof IdempotencyKeyTaken && idempotencyKey) {
        const winner = await this.d.transactions.findByIdempotencyKey(userId, idempotencyKey);
        if (winner) return [winner];
      }
      throw error;
    }
  }

  /**
   * Edits a transaction. Its tags and parts can be replaced too; the amount of a split row changes
   * only with parts that sum to it (BAD_USER_INPUT on amount otherwise).
   */
  async update(user: AuthUser, id: string, input: UpdateTransactionInput, requestId: string): Promise<TransactionRecord> {
    const tags = input.tags ? normalizeTags(input.tags, 'tags') : null;
    const newParts = input.splits ?? null;
    if (newParts && newParts.length > 0) await this.ownPartCategories(user, newParts);
    return this.change(user, id, 'transaction.updated', requestId, (row, peer) => {
      const { self, peer: peerChange } = updateChange(input, row, peer);
      const amountMinor = self.amountMinor ?? row.amountMinor;
      let parts = partsOf(row.splits);
      if (newParts) {
        if (peer && newParts.length > 0) throw badInput('splits', 'A transfer cannot be split');
        parts = newParts.length > 0 ? splitParts(newParts, { amountMinor, currency: row.currency }, this.newId) : null;
        self.splits = parts;
      } else if (parts && amountMinor !== row.amountMinor) {
        throw badInput('amount', 'The transaction is split: give parts (splits) that sum to the new amount, or clear the split first');
      }
      if (tags) self.tags = tags;
      if (tags || newParts) self.tagIndex = tagIndexOf(tags ?? row.tags ?? [], parts);
      return { self, peer: peerChange };
    });
  }

  /** Splits a row into parts that sum exactly to it, replacing earlier parts. */
  async split(user: AuthUser, id: string, input: readonly SplitPartRequest[], requestId: string): Promise<TransactionRecord> {
    // Bounded before any lookup: a hostile list is refused without touching the database.
    if (input.length > MAX_SPLIT_PARTS) throw badInput('parts', `A split has at most ${MAX_SPLIT_PARTS} parts`);
    await this.ownPartCategories(user, input);
    return this.change(user, id, 'transaction.updated', requestId, (row, peer) => {
      if (peer) throw badInput('id', 'A transfer cannot be split');
      const parts = splitParts(input, row, this.newId);
      return { self: { splits: parts, tagIndex: tagIndexOf(row.tags ?? [], parts) } };
    });
  }

  /** Undoes a split; a row that is not split is returned unchanged (no event). */
  clearSplit(user: AuthUser, id: string, requestId: string): Promise<TransactionRecord> {
    return this.change(user, id, 'transaction.updated', requestId, (row) =>
      partsOf(row.splits) ? { self: { splits: null, tagIndex: tagIndexOf(row.tags ?? [], null) } } : { self: {}, skip: true },
    );
  }

  /** Adds (or removes) tags of a row; a change that changes nothing writes no event. */
  retag(user: AuthUser, id: string, raw: readonly string[], mode: 'add' | 'remove', requestId: string): Promise<TransactionRecord> {
    const given = normalizeTags(raw, 'tags');
    return this.change(user, id, 'transaction.updated', requestId, (row) => {
      const current = row.tags ?? [];
      const tags = mode === 'add' ? [...new Set([...current, ...given])].sort() : current.filter((t) => !given.includes(t));
      if (tags.length > MAX_TAGS) throw badInput('tags', `A transaction has at most ${MAX_TAGS} tags`);
      if (tags.length === current.length && tags.every((t, i) => t === current[i])) return { self: {}, skip: true };
      return { self: { tags, tagIndex: tagIndexOf(tags, partsOf(row.splits)) } };
    });
  }

  private async ownPartCategories(user: AuthUser, parts: readonly SplitPartRequest[]): Promise<void> {
    for (const [i, part] of parts.entries()) {
      if (!isUuid(part.categoryId)) throw notFound(`Category (parts.${i}.categoryId)`);
    }
    for (const categoryId of new Set(parts.map((p) => p.categoryId))) {
      if (!(await this.d.categories.find(user.id, categoryId))) throw notFound(`Category (parts.${parts.findIndex((p) => p.categoryId === categoryId)}.categoryId)`);
    }
  }

  private async change(
    user: AuthUser,
    id: string,
    type: 'transaction.updated' | 'transaction.categorized',
    requestId: string,
    change: Parameters<TransactionsStore['updateWithEvents']>[3],
  ): Promise<TransactionRecord> {
    const updated = await this.d.transactions.updateWithEvents(user.id, id, type, change, requestId);
    if (!updated) throw notFound('Transaction');
    this.d.onEvents();
    return updated;
  }

  async delete(user: AuthUser, id: string, requestId: string): Promise<boolean> {
    if (!(await this.d.transactions.deleteWithEvents(user.id, id, requestId))) throw notFound('Transaction');
    this.d.onEvents();
    return true;
  }

  /** The user's own choice or correction of a category. */
  async categorize(user: AuthUser, id: string, categoryId: string, requestId: string): Promise<TransactionRecord> {
    const category = await this.ownCategory(user, categoryId);
    const updated = await this.d.transactions.updateWithEvents(
      user.id,
      id,
      'transaction.categorized',
      () => ({ self: { categoryId: category, categorySource: 'USER' } }),
      requestId,
    );
    if (!updated) throw notFound('Transaction');
    this.d.onEvents();
    return updated;
  }
}
