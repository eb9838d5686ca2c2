import { badInput, forbidden, limitExceeded, notFound } from '@centavo/errors';
import { MoneyError, normalizeCurrency, parseAmount } from '@centavo/money';
import type { CreateAccountInput, UpdateAccountInput } from '../../resolvers.generated.js';
import type { AccountRecord, AccountsRepository } from './accounts.repository.js';
import { monthEnd, netWorthByMonth, requireMonths, type NetWorthMonthRecord } from './net-worth.js';

function accountName(raw: string): string {
  const name = raw.trim().replace(/\s+/g, ' ');
  if (!name) throw badInput('name', 'Account name must not be empty');
  if (name.length > 100) throw badInput('name', 'Account name must have at most 100 characters');
  return name;
}

export class AccountsService {
  constructor(
    private readonly accounts: AccountsRepository,
    /** MAX_ACCOUNTS_PER_USER */
    private readonly maxAccounts: number,
    /** The members of shared accounts, whose cached reads an owner's change strands. */
    private readonly sharing?: { membersOf(accountIds: readonly string[]): Promise<Map<string, string[]>>; invalidate(userIds: string[]): Promise<void> },
  ) {}

  /** The user's accounts and those shared with the user, oldest first. */
  list(userId: string, includeArchived: boolean): Promise<AccountRecord[]> {
    return this.accounts.listByUser(userId, includeArchived);
  }

  /** `list` with each account's sum of transactions when read in the same statement (else null). */
  listWithSums(userId: string, includeArchived: boolean): Promise<{ accounts: AccountRecord[]; sums: Map<string, bigint> | null }> {
    return this.accounts.listWithSums(userId, includeArchived);
  }

  /** Every account's balance at each month end from..to, summed per currency (no conversion here: rates are the budget domain's). */
  async netWorthByMonth(userId: string, from: unknown, to: unknown): Promise<NetWorthMonthRecord[]> {
    const months = requireMonths(from, to);
    const { openings, flows } = await this.accounts.netWorthInputs(userId, monthEnd(months[months.length - 1]!));
    return netWorthByMonth(months, openings, flows);
  }

  async create(userId: string, input: CreateAccountInput): Promise<AccountRecord> {
    const name = accountName(input.name);
    let currency: string;
    try {
      currency = normalizeCurrency(input.currency);
    } catch (error) {
      throw badInput('currency', (error as Error).message);
    }
    let openingBalanceMinor: bigint;
    try {
      openingBalanceMinor = parseAmount(input.openingBalance ?? '0', currency);
    } catch (error) {
      if (error instanceof MoneyError) throw badInput('openingBalance', `openingBalance: ${error.message}`);
      throw error;
    }
    const account = await this.accounts.createWithin(this.maxAccounts, { userId, name, type: input.type, currency, openingBalanceMinor });
    if (!account) throw limitExceeded('accounts', this.maxAccounts);
    return account;
  }

  async update(userId: string, id: string, input: UpdateAccountInput): Promise<AccountRecord> {
    const data: { name?: string; archived?: boolean } = {};
    if (input.name !== undefined && input.name !== null) data.name = accountName(input.name);
    if (input.archived !== undefined && input.archived !== null) data.archived = input.archived;
    const updated = await this.accounts.update(userId, id, data);
    if (!updated) {
      // Renaming and archiving are the owner's: a member reads the account but gets FORBIDDEN.
      const [shared] = await this.accounts.findManyAccessible(userId, [id]);
      if (shared) throw forbidden('Only the account owner can rename or archive it');
      throw notFound('Account');
    }
    if (this.sharing) {
      const members = (await this.sharing.membersOf([id])).get(id) ?? [];
      if (members.length > 0) await this.sharing.invalidate(members);
    }
    return updated;
  }
}
