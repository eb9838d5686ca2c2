import { randomUUID } from 'node:crypto';
import type { AuthUser } from '@centavo/auth-tokens';
import type { BudgetCategories } from '@centavo/budget-client';
import { defaultCategoryId } from '@centavo/categories';
import { badInput, notFound } from '@centavo/errors';
import { metrics } from '@centavo/metrics';
import type { AccountRecord } from '../accounts/accounts.repository.js';
import {
  IdempotencyKeyTaken,
  type NewTransaction,
  type TransactionChange,
  type TransactionRecord,
  type TransactionsRepository,
} from './transactions.repository.js';
import { amountOf, idempotencyKeyOf, optionalText, parseDate, text } from './transaction-input.js';

export interface CreateTransactionInput {
  accountId: string;
  amount: string;
  date: string;
  description: string;
  notes?: string | null;
  categoryId?: string | null;
  idempotencyKey?: string | null;
}

export interface UpdateTransactionInput {
  amount?: string | null;
  date?: string | null;
  description?: string | null;
  notes?: string | null;
}

export interface CreateTransferInput {
  fromAccountId: string;
  toAccountId: string;
  amount: string;
  toAmount?: string | null;
  date: string;
  description?: string | null;
  idempotencyKey?: string | null;
}

export interface TransactionsDeps {
  transactions: TransactionsRepository;
  /** The caller's account by id, or null (another user's account is null too). */
  account(id: string): Promise<AccountRecord | null>;
  categories: BudgetCategories;
  /** Called after a commit that wrote events, so the relay sends them at once. */
  onEvents(): void;
}

export class TransactionsService {
  constructor(private readonly d: TransactionsDeps) {}

  private async ownAccount(id: string, field: string): Promise<AccountRecord> {
    const account = await this.d.account(id);
    if (!account) throw notFound(field === 'accountId' ? 'Account' : `Account (${field})`);
    return account;
  }

  private async ownCategory(user: AuthUser, categoryId: string, requestId: string): Promise<string> {
    if (!(await this.d.categories.find(user, categoryId, requestId))) throw notFound('Category');
    return categoryId;
  }

  /**
   * Records a transaction. With an idempotency key, a retry (also a concurrent one) returns
   * the first result instead of creating a second row.
   */
  async create(user: AuthUser, input: CreateTransactionInput, requestId: string): Promise<TransactionRecord> {
    const idempotencyKey = idempotencyKeyOf(input.idempotencyKey);
    if (idempotencyKey) {
      const existing = await this.d.transactions.findByIdempotencyKey(user.id, idempotencyKey);
      if (existing) return existing;
    }
    const account = await this.ownAccount(input.accountId, 'accountId');
    const row: NewTransaction = {
      id: randomUUID(),
      userId: user.id,
      accountId: account.id,
      amountMinor: amountOf(input.amount, account.currency, 'amount'),
      currency: account.currency,
      date: parseDate(input.date, 'date'),
      description: text(input.description, 'description', 500),
      notes: optionalText(input.notes, 'notes', 2000),
      categoryId: input.categoryId ? await this.ownCategory(user, input.categoryId, requestId) : null,
      categorySource: input.categoryId ? 'USER' : null,
      transferPeerId: null,
      idempotencyKey,
    };
    return (await this.insert(user.id, [row], idempotencyKey, requestId))[0]!;
  }

  /** Both legs of a move between the user's own accounts, written atomically. */
  async transfer(user: AuthUser, input: CreateTransferInput, requestId: string): Promise<TransactionRecord> {
    const idempotencyKey = idempotencyKeyOf(input.idempotencyKey);
    if (idempotencyKey) {
      const existing = await this.d.transactions.findByIdempotencyKey(user.id, idempotencyKey);
      if (existing) return existing;
    }
    const from = await this.ownAccount(input.fromAccountId, 'fromAccountId');
    const to = await this.ownAccount(input.toAccountId, 'toAccountId');
    if (from.id === to.id) throw badInput('toAccountId', 'A transfer needs two different accounts');
    const amount = amountOf(input.amount, from.currency, 'amount');
    if (amount <= 0n) throw badInput('amount', 'amount must be positive');
    let toAmount = amount;
    if (from.currency !== to.currency) {
      if (!input.toAmount) throw badInput('toAmount', `toAmount is required: the accounts are in ${from.currency} and ${to.currency}`);
      toAmount = amountOf(input.toAmount, to.currency, 'toAmount');
      if (toAmount <= 0n) throw badInput('toAmount', 'toAmount must be positive');
    } else if (input.toAmount && amountOf(input.toAmount, to.currency, 'toAmount') !== amount) {
      throw badInput('toAmount', 'toAmount must equal amount when both accounts share a currency');
    }
    const date = parseDate(input.date, 'date');
    const transferCategory = defaultCategoryId(user.id, 'transfer');
    const description = optionalText(input.description, 'description', 500);
    const [outId, inId] = [randomUUID(), randomUUID()];
    const leg = (id: string, peer: string, account: AccountRecord, amountMinor: bigint, text: string): NewTransaction => ({
      id,
      userId: user.id,
      accountId: account.id,
      amountMinor,
      currency: account.currency,
      date,
      description: description ?? text,
      notes: null,
      categoryId: transferCategory,
      categorySource: 'USER',
      transferPeerId: peer,
      idempotencyKey: id === outId ? idempotencyKey : null,
    });
    const rows = [
      leg(outId, inId, from, -amount, `Transfer to ${to.name}`),
      leg(inId, outId, to, toAmount, `Transfer from ${from.name}`),
    ];
    return (await this.insert(user.id, rows, idempotencyKey, requestId))[0]!;
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
    const updated = await this.d.transactions.updateWithEvents(
      user.id,
      id,
      'transaction.updated',
      (row, peer) => {
        const self: TransactionChange = {};
        const peerChange: TransactionChange = {};
        if (input.amount !== null && input.amount !== undefined) {
          self.amountMinor = amountOf(input.amount, row.currency, 'amount');
          if (peer) {
            // A transfer stays balanced: the other leg mirrors a new amount when it can.
            if (peer.currency !== row.currency) {
              throw badInput('amount', 'The legs of this transfer have different currencies: delete it and record it again');
            }
            if ((self.amountMinor < 0n) !== (row.amountMinor < 0n) || self.amountMinor === 0n) {
              throw badInput('amount', 'A transfer leg keeps its direction');
            }
            peerChange.amountMinor = -self.amountMinor;
          }
        }
        if (input.date !== null && input.date !== undefined) {
          self.date = parseDate(input.date, 'date');
          if (peer) peerChange.date = self.date;
        }
        if (input.description !== null && input.description !== undefined) self.description = text(input.description, 'description', 500);
        if (input.notes !== undefined) self.notes = optionalText(input.notes, 'notes', 2000);
        return { self, peer: peerChange };
      },
      requestId,
    );
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
    const category = await this.ownCategory(user, categoryId, requestId);
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
