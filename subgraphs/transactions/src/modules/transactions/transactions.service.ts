import { randomUUID } from 'node:crypto';
import type { AuthUser } from '@centavo/auth-tokens';
import type { CategoryDirectory } from '@centavo/categories';
import { notFound } from '@centavo/errors';
import { metrics } from '@centavo/metrics';
import type {
  CreateTransactionInput,
  CreateTransferInput,
  UpdateTransactionInput,
} from '../../resolvers.generated.js';
import type { AccountRecord, AccountsRepository } from '../accounts/accounts.repository.js';
import { connection, decodeCursor, pageSize, type TransactionPage } from './pagination.js';
import { amountOf, idempotencyKeyOf, optionalText, parseDate, text } from './transaction-input.js';
import { IdempotencyKeyTaken, type NewTransaction, type TransactionFilter, type TransactionRecord, type TransactionsRepository } from './transactions.repository.js';
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

  async update(user: AuthUser, id: string, input: UpdateTransactionInput, requestId: string): Promise<TransactionRecord> {
    const updated = await this.d.transactions.updateWithEvents(user.id, id, 'transaction.updated', (row, peer) => updateChange(input, row, peer), requestId);
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
