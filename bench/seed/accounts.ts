import { randomUUID } from 'node:crypto';
import type { Random } from '../lib/random.js';

export interface SeedAccount {
  id: string;
  userId: string;
  name: string;
  type: 'CHECKING' | 'SAVINGS' | 'CREDIT_CARD' | 'CASH';
  currency: 'BRL' | 'USD';
  openingBalanceMinor: bigint;
  createdAt: Date;
}

const BRL_BANKS = ['Nubank', 'Itaú', 'Inter', 'Bradesco', 'Caixa', 'Santander'];
const USD_BANKS = ['Chase', 'Wise', 'Bank of America'];
const KINDS: { type: SeedAccount['type']; currency: SeedAccount['currency']; label: string }[] = [
  { type: 'SAVINGS', currency: 'BRL', label: 'Poupança' },
  { type: 'CREDIT_CARD', currency: 'BRL', label: 'Cartão' },
  { type: 'CASH', currency: 'BRL', label: 'Carteira' },
  { type: 'CHECKING', currency: 'USD', label: 'Checking' },
  { type: 'SAVINGS', currency: 'USD', label: 'Savings' },
];

/** 1-3 accounts: a checking account first (BRL for most users, USD for some), then others in BRL or USD. */
export function createAccounts(userId: string, userCreatedAt: Date, rng: Random): SeedAccount[] {
  const account = (type: SeedAccount['type'], currency: SeedAccount['currency'], label: string, i: number): SeedAccount => ({
    id: randomUUID(),
    userId,
    name: label === 'Carteira' ? label : `${rng.pick(currency === 'BRL' ? BRL_BANKS : USD_BANKS)} ${label}`,
    type,
    currency,
    openingBalanceMinor: type === 'CREDIT_CARD' ? 0n : BigInt(rng.int(0, 800_000)),
    createdAt: new Date(userCreatedAt.getTime() + (i + 1) * 60_000),
  });
  const primaryUsd = rng.chance(0.15);
  const accounts = [account('CHECKING', primaryUsd ? 'USD' : 'BRL', primaryUsd ? 'Checking' : 'Conta Corrente', 0)];
  const others = KINDS.filter((k) => !(primaryUsd && k.currency === 'USD' && k.type === 'CHECKING'));
  const extra = rng.int(0, 2);
  for (let i = 0; i < extra; i++) {
    const kind = others.splice(Math.floor(rng.next() * others.length), 1)[0]!;
    accounts.push(account(kind.type, kind.currency, kind.label, i + 1));
  }
  return accounts;
}

/** A random moment of the history: a day in the last `days` days, in waking hours, never in the future. */
export function historyDay(ctx: { now: Date; days: number }, rng: Random): { createdAt: Date } {
  const today = Date.UTC(ctx.now.getUTCFullYear(), ctx.now.getUTCMonth(), ctx.now.getUTCDate());
  const dayStart = today - rng.int(0, ctx.days - 1) * 86_400_000;
  const at = Math.min(dayStart + rng.int(7 * 3600, 22 * 3600) * 1000, ctx.now.getTime() - rng.int(60, 3600) * 1000);
  return { createdAt: new Date(Math.max(at, dayStart)) };
}

/** A later moment (an hour to two days on), not after `now`. */
export function later(at: Date, now: Date, rng: Random): Date {
  return new Date(Math.min(at.getTime() + rng.int(3600, 2 * 86_400) * 1000, now.getTime()));
}
