// The accounts MX Bank returns for a member: one of each common kind, figures derived from the seed.
import { hashUnit } from './ids';
import { balanceChange } from './movement';
import type { Account, Member } from './store';
import type { TransactionContext } from './transactions';

interface AccountKind {
  name: string;
  type: string;
  subtype: string;
  /** Balance range in dollars. */
  balance: [number, number];
  isDebt: boolean;
}

export const ACCOUNT_KINDS: readonly AccountKind[] = [
  { name: 'MX Bank Checking', type: 'CHECKING', subtype: 'NONE', balance: [800, 6000], isDebt: false },
  { name: 'MX Bank Savings', type: 'SAVINGS', subtype: 'NONE', balance: [2000, 40000], isDebt: false },
  { name: 'MX Bank Credit Card', type: 'CREDIT_CARD', subtype: 'NONE', balance: [100, 4000], isDebt: true },
  { name: 'MX Bank Auto Loan', type: 'LOAN', subtype: 'AUTO', balance: [5000, 25000], isDebt: true },
  { name: 'MX Bank Mortgage', type: 'MORTGAGE', subtype: 'NONE', balance: [90000, 400000], isDebt: true },
];

export function kindOf(account: Account): AccountKind {
  return ACCOUNT_KINDS[account.index % ACCOUNT_KINDS.length]!;
}

export function makeAccounts(member: Member, newGuid: () => string, at: number): Account[] {
  return ACCOUNT_KINDS.map((_, index) => ({
    guid: newGuid(),
    index,
    memberGuid: member.guid,
    userGuid: member.userGuid,
    createdAt: at,
  }));
}

const cents = (value: number) => Math.round(value * 100) / 100;

/**
 * The account as MX's AccountResponse (the fields a client reads; MX omits what an FI does not send).
 * With `context`, the balance has moved by what posted since the first aggregation (movement.ts).
 */
export function accountView(
  seed: number,
  account: Account,
  member: Member,
  userId: string | null,
  context?: TransactionContext,
): Record<string, unknown> {
  const kind = kindOf(account);
  const unit = hashUnit(seed, `${account.guid}:balance`);
  const moved = context ? balanceChange(context, member, account) : 0;
  const balance = cents(kind.balance[0] + (kind.balance[1] - kind.balance[0]) * unit + moved);
  const creditLimit = kind.type === 'CREDIT_CARD' ? 10000 : null;
  const timestamp = new Date(account.createdAt).toISOString();
  return {
    account_number: String(1000 + Math.floor(hashUnit(seed, `${account.guid}:number`) * 9000)),
    account_ownership: 'INDIVIDUAL',
    apr: kind.isDebt ? 19.99 : null,
    apy: kind.type === 'SAVINGS' ? 4.1 : null,
    available_balance: kind.isDebt ? null : balance,
    available_credit: creditLimit === null ? null : cents(creditLimit - balance),
    balance,
    created_at: timestamp,
    credit_limit: creditLimit,
    currency_code: 'USD',
    day_payment_is_due: kind.isDebt ? 15 : null,
    guid: account.guid,
    id: `mxbank-${account.index + 1}`,
    imported_at: timestamp,
    institution_code: member.institutionCode,
    interest_rate: kind.isDebt ? 6.5 : null,
    is_closed: false,
    is_hidden: false,
    is_manual: false,
    member_guid: member.guid,
    member_id: member.id,
    member_is_managed_by_user: false,
    metadata: null,
    minimum_payment: kind.isDebt ? cents(balance * 0.02) : null,
    name: kind.name,
    nickname: null,
    original_balance: kind.isDebt ? kind.balance[1] : null,
    subtype: kind.subtype,
    type: kind.type,
    updated_at: timestamp,
    user_guid: member.userGuid,
    user_id: userId,
  };
}
