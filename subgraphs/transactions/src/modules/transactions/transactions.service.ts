import { randomUUID } from 'node:crypto';
import type { AuthUser } from '@centavo/auth-tokens';
import { defaultCategoryId, defaultCategoryOf, type CategoryDirectory } from '@centavo/categories';
import { badInput, forbidden, notFound } from '@centavo/errors';
import { metrics } from '@centavo/metrics';
import { isUuid, MAX_TAGS, normalizeTags } from '@centavo/server';
import type {
  CreateTransactionInput,
  CreateTransferInput,
  UpdateTransactionInput,
} from '../../resolvers.generated.js';
import { canWrite, type AccountRecord, type AccountsRepository } from '../accounts/accounts.repository.js';
import { connection, decodeCursor, pageSize, type TransactionPage } from './pagination.js';
import { amountOf, idempotencyKeyOf, optionalText, parseDate, text } from './transaction-input.js';
import { EditorAccessLost, IdempotencyKeyTaken, type NewTransaction, type TransactionFilter, type TransactionRecord, type TransactionsRepository } from './transactions.repository.js';
import { MAX_SPLIT_PARTS, partsOf, splitParts, tagIndexOf, type SplitPartRequest } from './splits.js';
import { transferLegs, updateChange } from './transfer.js';

/** What the service needs of the transactions table (the repository, or a fake in unit tests). */
export type TransactionsStore = Pick<
  TransactionsRepository,
  'createWithEvents' | 'findByIdempotencyKey' | 'updateWithEvents' | 'deleteWithEvents' | 'page' | 'pageAndCount' | 'count' | 'accessOf' | 'findManyAccessible'
>;

const VIEWER_CANNOT_WRITE = 'You are a VIEWER of this shared account: only its owner and EDITORs can change it';

/**
 * A member's idempotency key, in the owner's key space (a row's key is unique per row owner):
 * the owner's keys and each member's never meet.
 */
/** The member writing into another user's books, or undefined for the owner's own write. */
const editorOf = (user: AuthUser, ownerId: string) => (ownerId === user.id ? undefined : user.id);

const memberKey = (memberId: string, key: string | null) => (key === null ? null : `member:${memberId}:${key}`);

export interface TransactionsDeps {
  transactions: TransactionsStore;
  /** Accounts by id the user owns or is a member of, with the user's role: another user's unshared account is absent. */
  accounts: Pick<AccountsRepository, 'findManyAccessible'>;
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

  /** An account the user may write to: own, or shared as EDITOR (a VIEWER is FORBIDDEN, anyone else NOT_FOUND). */
  private async writableAccount(userId: string, id: string, field: string): Promise<AccountRecord> {
    const [account] = await this.d.accounts.findManyAccessible(userId, [id]);
    if (!account) throw notFound(field === 'accountId' ? 'Account' : `Account (${field})`);
    if (!canWrite(account.role)) throw forbidden(VIEWER_CANNOT_WRITE, field);
    return account;
  }

  /** Whose books the transaction is in, when the user may change it (as for writableAccount). */
  private async writableOwner(user: AuthUser, id: string): Promise<string> {
    const access = await this.d.transactions.accessOf(user.id, id);
    if (!access) throw notFound('Transaction');
    if (!canWrite(access.role)) throw forbidden(VIEWER_CANNOT_WRITE, 'id');
    return access.ownerId;
  }

  /**
   * The category for a row in `ownerId`'s books: categories are each user's own, so a member of a
   * shared account gives one of the owner's, or one of the member's defaults, which stands for the
   * owner's default of the same slug.
   */
  private async categoryFor(user: AuthUser, ownerId: string, categoryId: string, what = 'Category'): Promise<string> {
    if (ownerId !== user.id) {
      const memberDefault = defaultCategoryOf(user.id, categoryId);
      if (memberDefault) return defaultCategoryId(ownerId, memberDefault.slug as Parameters<typeof defaultCategoryId>[1]);
    }
    if (!(await this.d.categories.find(ownerId, categoryId))) throw notFound(what);
    return categoryId;
  }

  /** A page of the user's transactions, newest first, after an opaque cursor. */
  /** `withCount`: the client selected totalCount, read with the page when the store can (one statement). */
  async list(user: AuthUser, where: TransactionFilter, first?: number | null, after?: string | null, withCount = false): Promise<TransactionPage> {
    const size = pageSize(first);
    const count = () => this.d.transactions.count(user.id, where);
    if (size === 0) return connection([], size, count);
    const { rows, total } = await this.d.transactions.pageAndCount(user.id, where, size, decodeCursor(after), withCount);
    return connection(rows, size, total === null ? count : () => Promise.resolve(total));
  }

  /**
   * Records a transaction. With an idempotency key, a retry (also a concurrent one) returns
   * the first result instead of creating a second row.
   */
  async create(user: AuthUser, input: CreateTransactionInput, requestId: string): Promise<TransactionRecord> {
    const given = idempotencyKeyOf(input.idempotencyKey);
    const account = await this.writableAccount(user.id, input.accountId, 'accountId');
    // A row of a shared account is in its owner's books (budgets, reports, categorization), whoever wrote it.
    const ownerId = account.userId;
    const idempotencyKey = ownerId === user.id ? given : memberKey(user.id, given);
    const earlier = await this.earlier(user, ownerId, idempotencyKey);
    if (earlier) return earlier;
    const row: NewTransaction = {
      id: this.newId(),
      userId: ownerId,
      accountId: account.id,
      amountMinor: amountOf(input.amount, account.currency, 'amount'),
      currency: account.currency,
      date: parseDate(input.date, 'date'),
      description: text(input.description, 'description', 500),
      notes: optionalText(input.notes, 'notes', 2000),
      categoryId: input.categoryId ? await this.categoryFor(user, ownerId, input.categoryId) : null,
      categorySource: input.categoryId ? 'USER' : null,
      transferPeerId: null,
      idempotencyKey,
    };
    return (await this.insert(user, ownerId, [row], idempotencyKey, requestId))[0]!;
  }

  /** Both legs of a move between the user's own accounts, written atomically; returns the outgoing leg. */
  async transfer(user: AuthUser, input: CreateTransferInput, requestId: string): Promise<TransactionRecord> {
    const given = idempotencyKeyOf(input.idempotencyKey);
    const from = await this.writableAccount(user.id, input.fromAccountId, 'fromAccountId');
    const to = await this.writableAccount(user.id, input.toAccountId, 'toAccountId');
    // Both legs are in one user's books: a move between two owners' accounts is two transactions.
    if (from.userId !== to.userId) throw badInput('toAccountId', 'A transfer moves money between accounts of one owner');
    const ownerId = from.userId;
    const idempotencyKey = ownerId === user.id ? given : memberKey(user.id, given);
    const earlier = await this.earlier(user, ownerId, idempotencyKey);
    if (earlier) return earlier;
    const legs = transferLegs(input, { userId: ownerId, from, to, ids: { out: this.newId(), in: this.newId() }, idempotencyKey });
    return (await this.insert(user, ownerId, legs, idempotencyKey, requestId))[0]!;
  }

  /** The row an earlier request with this key wrote, if the user can still read it. */
  private async earlier(user: AuthUser, ownerId: string, idempotencyKey: string | null): Promise<TransactionRecord | null> {
    if (!idempotencyKey) return null;
    const row = await this.d.transactions.findByIdempotencyKey(ownerId, idempotencyKey);
    if (!row || ownerId === user.id) return row;
    const [readable] = await this.d.transactions.findManyAccessible(user.id, [row.id]);
    return readable ?? null;
  }

  private async insert(user: AuthUser, userId: string, rows: NewTransaction[], idempotencyKey: string | null, requestId: string) {
    try {
      const created = await this.d.transactions.createWithEvents(rows, requestId, editorOf(user, userId));
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
      if (error instanceof EditorAccessLost) {
        // Revoked or made a VIEWER since the check: tell which, from the state now.
        for (const accountId of new Set(rows.map((r) => r.accountId))) await this.writableAccount(user.id, accountId, 'accountId');
        throw notFound('Account');
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
    const ownerId = await this.writableOwner(user, id);
    const newParts = input.splits && input.splits.length > 0 ? await this.partCategories(user, ownerId, input.splits) : (input.splits ?? null);
    return this.change(user, ownerId, id, 'transaction.updated', requestId, (row, peer) => {
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
    const ownerId = await this.writableOwner(user, id);
    const requested = await this.partCategories(user, ownerId, input);
    return this.change(user, ownerId, id, 'transaction.updated', requestId, (row, peer) => {
      if (peer) throw badInput('id', 'A transfer cannot be split');
      const parts = splitParts(requested, row, this.newId);
      return { self: { splits: parts, tagIndex: tagIndexOf(row.tags ?? [], parts) } };
    });
  }

  /** Undoes a split; a row that is not split is returned unchanged (no event). */
  async clearSplit(user: AuthUser, id: string, requestId: string): Promise<TransactionRecord> {
    return this.change(user, await this.writableOwner(user, id), id, 'transaction.updated', requestId, (row) =>
      partsOf(row.splits) ? { self: { splits: null, tagIndex: tagIndexOf(row.tags ?? [], null) } } : { self: {}, skip: true },
    );
  }

  /** Adds (or removes) tags of a row; a change that changes nothing writes no event. */
  async retag(user: AuthUser, id: string, raw: readonly string[], mode: 'add' | 'remove', requestId: string): Promise<TransactionRecord> {
    const given = normalizeTags(raw, 'tags');
    return this.change(user, await this.writableOwner(user, id), id, 'transaction.updated', requestId, (row) => {
      const current = row.tags ?? [];
      const tags = mode === 'add' ? [...new Set([...current, ...given])].sort() : current.filter((t) => !given.includes(t));
      if (tags.length > MAX_TAGS) throw badInput('tags', `A transaction has at most ${MAX_TAGS} tags`);
      if (tags.length === current.length && tags.every((t, i) => t === current[i])) return { self: {}, skip: true };
      return { self: { tags, tagIndex: tagIndexOf(tags, partsOf(row.splits)) } };
    });
  }

  /** A member's write of row `id` that lost its EDITOR share meanwhile: FORBIDDEN or NOT_FOUND, as the share is now. */
  private async guarded<T>(user: AuthUser, id: string, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (!(error instanceof EditorAccessLost)) throw error;
      await this.writableOwner(user, id);
      // Still an EDITOR of the row's account: the transfer peer's account is not shared with them as EDITOR.
      throw forbidden('The other leg of this transfer is in an account you cannot change', 'id');
    }
  }

  /** The parts with their categories checked (and, for a member, mapped) for the owner's books. */
  private async partCategories<P extends SplitPartRequest>(user: AuthUser, ownerId: string, parts: readonly P[]): Promise<P[]> {
    for (const [i, part] of parts.entries()) {
      if (!isUuid(part.categoryId)) throw notFound(`Category (parts.${i}.categoryId)`);
    }
    const chosen = new Map<string, string>();
    for (const categoryId of new Set(parts.map((p) => p.categoryId))) {
      chosen.set(categoryId, await this.categoryFor(user, ownerId, categoryId, `Category (parts.${parts.findIndex((p) => p.categoryId === categoryId)}.categoryId)`));
    }
    return parts.map((p) => ({ ...p, categoryId: chosen.get(p.categoryId)! }));
  }

  private async change(
    user: AuthUser,
    ownerId: string,
    id: string,
    type: 'transaction.updated' | 'transaction.categorized',
    requestId: string,
    change: Parameters<TransactionsStore['updateWithEvents']>[3],
  ): Promise<TransactionRecord> {
    const updated = await this.guarded(user, id, () => this.d.transactions.updateWithEvents(ownerId, id, type, change, requestId, editorOf(user, ownerId)));
    if (!updated) throw notFound('Transaction');
    this.d.onEvents();
    return updated;
  }

  async delete(user: AuthUser, id: string, requestId: string): Promise<boolean> {
    const ownerId = await this.writableOwner(user, id);
    if (!(await this.guarded(user, id, () => this.d.transactions.deleteWithEvents(ownerId, id, requestId, editorOf(user, ownerId))))) throw notFound('Transaction');
    this.d.onEvents();
    return true;
  }

  /** The user's own choice or correction of a category. */
  async categorize(user: AuthUser, id: string, categoryId: string, requestId: string): Promise<TransactionRecord> {
    const ownerId = await this.writableOwner(user, id);
    const category = await this.categoryFor(user, ownerId, categoryId);
    const updated = await this.guarded(user, id, () =>
      this.d.transactions.updateWithEvents(ownerId, id, 'transaction.categorized', () => ({ self: { categoryId: category, categorySource: 'USER' } }), requestId, editorOf(user, ownerId)),
    );
    if (!updated) throw notFound('Transaction');
    this.d.onEvents();
    return updated;
  }
}
