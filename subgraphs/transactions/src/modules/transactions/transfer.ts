import { defaultCategoryId } from '@centavo/categories';
import { badInput } from '@centavo/errors';
import type { CreateTransferInput, UpdateTransactionInput } from '../../resolvers.generated.js';
import type { AccountRecord } from '../accounts/accounts.repository.js';
import { amountOf, optionalText, parseDate, text } from './transaction-input.js';
import type { NewTransaction, TransactionChange, TransactionRecord } from './transactions.repository.js';

/** What a transfer needs besides its input: the two accounts (already the caller's) and the legs' new ids. */
export interface TransferParties {
  userId: string;
  from: AccountRecord;
  to: AccountRecord;
  ids: { out: string; in: string };
  idempotencyKey: string | null;
}

/** The amounts of both legs, in minor units of each account's currency (both positive). */
function transferAmounts(input: CreateTransferInput, from: AccountRecord, to: AccountRecord): { out: bigint; in: bigint } {
  const amount = amountOf(input.amount, from.currency, 'amount');
  if (amount <= 0n) throw badInput('amount', 'amount must be positive');
  if (from.currency !== to.currency) {
    if (!input.toAmount) throw badInput('toAmount', `toAmount is required: the accounts are in ${from.currency} and ${to.currency}`);
    const toAmount = amountOf(input.toAmount, to.currency, 'toAmount');
    if (toAmount <= 0n) throw badInput('toAmount', 'toAmount must be positive');
    return { out: amount, in: toAmount };
  }
  if (input.toAmount && amountOf(input.toAmount, to.currency, 'toAmount') !== amount) {
    throw badInput('toAmount', 'toAmount must equal amount when both accounts share a currency');
  }
  return { out: amount, in: amount };
}

/**
 * The two legs of a move between a user's own accounts: the outgoing one first (it carries the
 * idempotency key), linked to each other, both in the user's default "transfer" category.
 */
export function transferLegs(input: CreateTransferInput, p: TransferParties): [NewTransaction, NewTransaction] {
  const { from, to, ids } = p;
  if (from.id === to.id) throw badInput('toAccountId', 'A transfer needs two different accounts');
  const amounts = transferAmounts(input, from, to);
  const date = parseDate(input.date, 'date');
  const description = optionalText(input.description, 'description', 500);
  const leg = (id: string, peer: string, account: AccountRecord, amountMinor: bigint, fallback: string): NewTransaction => ({
    id,
    userId: p.userId,
    accountId: account.id,
    amountMinor,
    currency: account.currency,
    date,
    description: description ?? fallback,
    notes: null,
    categoryId: defaultCategoryId(p.userId, 'transfer'),
    categorySource: 'USER',
    transferPeerId: peer,
    idempotencyKey: id === ids.out ? p.idempotencyKey : null,
  });
  return [leg(ids.out, ids.in, from, -amounts.out, `Transfer to ${to.name}`), leg(ids.in, ids.out, to, amounts.in, `Transfer from ${from.name}`)];
}

/** The amount change of a transfer leg, mirrored on its peer so the transfer stays balanced. */
function mirroredAmount(amountMinor: bigint, row: TransactionRecord, peer: TransactionRecord): bigint {
  if (peer.currency !== row.currency) {
    throw badInput('amount', 'The legs of this transfer have different currencies: delete it and record it again');
  }
  if ((amountMinor < 0n) !== (row.amountMinor < 0n) || amountMinor === 0n) throw badInput('amount', 'A transfer leg keeps its direction');
  return -amountMinor;
}

/**
 * What an edit changes in a transaction and, for a transfer leg, in its peer: amount and date
 * apply to both legs; description and notes to the edited leg only.
 */
export function updateChange(
  input: UpdateTransactionInput,
  row: TransactionRecord,
  peer: TransactionRecord | null,
): { self: TransactionChange; peer: TransactionChange } {
  const self: TransactionChange = {};
  const peerChange: TransactionChange = {};
  if (input.amount !== null && input.amount !== undefined) {
    self.amountMinor = amountOf(input.amount, row.currency, 'amount');
    if (peer) peerChange.amountMinor = mirroredAmount(self.amountMinor, row, peer);
  }
  if (input.date !== null && input.date !== undefined) {
    self.date = parseDate(input.date, 'date');
    if (peer) peerChange.date = self.date;
  }
  if (input.description !== null && input.description !== undefined) self.description = text(input.description, 'description', 500);
  if (input.notes !== undefined) self.notes = optionalText(input.notes, 'notes', 2000);
  return { self, peer: peerChange };
}
