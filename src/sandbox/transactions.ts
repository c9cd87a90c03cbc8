// Transactions are computed, not stored: transaction i of an account is a pure function of the seed, the
// account and i, and dates never decrease with i. So 100,000 transactions cost no memory, and a date
// filter is two binary searches. What changed since the first aggregation (pending ones posting, new
// ones, voided ones) is the account's short "tail", computed by movement.ts from the sandbox's clock.
import { kindOf } from './accounts';
import { guid, hashInt, hashUnit } from './ids';
import { accountTail } from './movement';
import { type PageRequest, type Pagination, pageWindow } from './pagination';
import { TEMPLATES } from './transaction-templates';
import type { Account, Member } from './store';

const DAY_MS = 86_400_000;
/** Posted transactions cover this many days before the aggregation; pending ones are dated that day. */
export const HISTORY_DAYS = 90;

export const dayNumber = (ms: number) => Math.floor(ms / DAY_MS);
export const isoDate = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);
export function parseIsoDate(value: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return undefined;
  const ms = Date.parse(`${value}T00:00:00Z`);
  return Number.isNaN(ms) || isoDate(dayNumber(ms)) !== value ? undefined : dayNumber(ms);
}

/** How an account's n transactions spread over time: the last few are still PENDING. */
export function shape(count: number) {
  const pending = Math.min(count, Math.max(1, Math.floor(count / 40)));
  return { pending, posted: count - pending };
}

/** Day number of transaction i; non-decreasing in i. */
function dayOf(i: number, count: number, asOfDay: number): number {
  const { posted } = shape(count);
  if (i >= posted) return asOfDay;
  return asOfDay - HISTORY_DAYS + Math.floor((i * HISTORY_DAYS) / posted);
}

/** First index whose day is >= day (or count). */
function firstIndexOnOrAfter(day: number, count: number, asOfDay: number): number {
  let low = 0;
  let high = count;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (dayOf(mid, count, asOfDay) < day) low = mid + 1;
    else high = mid;
  }
  return low;
}

export interface TransactionQuery {
  fromDay: number;
  toDay: number;
}

interface Segment {
  account: Account;
  start: number;
  end: number;
  /** The account's pending and newer transactions within the query (movement.ts). */
  tail: Record<string, unknown>[];
}

export interface TransactionContext {
  seed: number;
  perAccount: number;
  userId: string | null;
}

/** One page of the transactions of the given accounts (account after account, oldest first). */
export function listTransactions(
  context: TransactionContext,
  members: Map<string, Member>,
  accounts: Account[],
  query: TransactionQuery,
  page: PageRequest,
): { transactions: Record<string, unknown>[]; pagination: Pagination } {
  const segments: Segment[] = [];
  for (const account of accounts) {
    const member = members.get(account.memberGuid)!;
    const { start, end } = postedRange(context, member, account, query.fromDay, query.toDay);
    const tail = inQuery(accountTail(context, member, account), query.fromDay, query.toDay);
    if (end > start || tail.length > 0) segments.push({ account, start, end, tail });
  }
  const size = (segment: Segment) => segment.end - segment.start + segment.tail.length;
  const total = segments.reduce((sum, segment) => sum + size(segment), 0);
  const window = pageWindow(page, total);
  const transactions: Record<string, unknown>[] = [];
  let skip = window.start;
  let take = window.end - window.start;
  for (const segment of segments) {
    if (take === 0) break;
    if (skip >= size(segment)) {
      skip -= size(segment);
      continue;
    }
    const member = members.get(segment.account.memberGuid)!;
    const taken = Math.min(take, size(segment) - skip);
    for (let n = skip; n < skip + taken; n++) {
      const i = segment.start + n;
      transactions.push(i < segment.end ? transactionView(context, member, segment.account, i) : segment.tail[i - segment.end]!);
    }
    take -= taken;
    skip = 0;
  }
  return { transactions, pagination: window.pagination };
}

/** The baseline's POSTED transactions (indices below `posted`) dated within [fromDay, toDay]. */
function postedRange(context: TransactionContext, member: Member, account: Account, fromDay: number, toDay: number) {
  const asOfDay = dayNumber(member.dataAsOf ?? account.createdAt);
  const { posted } = shape(context.perAccount);
  const start = Math.min(firstIndexOnOrAfter(fromDay, context.perAccount, asOfDay), posted);
  const end = Math.min(firstIndexOnOrAfter(toDay + 1, context.perAccount, asOfDay), posted);
  return { start, end };
}

function inQuery(tail: Record<string, unknown>[], fromDay: number, toDay: number): Record<string, unknown>[] {
  const from = isoDate(fromDay);
  const to = isoDate(toDay);
  return tail.filter((t) => (t.date as string) >= from && (t.date as string) <= to);
}

export const cents = (value: number) => Math.round(value * 100) / 100;

/** A baseline transaction as the first aggregation saw it (the last `pending` indices PENDING). */
export function transactionView(context: TransactionContext, member: Member, account: Account, i: number): Record<string, unknown> {
  const asOf = member.dataAsOf ?? account.createdAt;
  const day = dayOf(i, context.perAccount, dayNumber(asOf));
  const status = i >= shape(context.perAccount).posted ? 'PENDING' : 'POSTED';
  return viewOf(context, member, account, {
    key: `${account.guid}:${i}`,
    id: `${account.index + 1}-${i + 1}`,
    day,
    status,
    postedDay: status === 'POSTED' ? day : null,
    createdAt: asOf,
    updatedAt: asOf,
  });
}

/** What makes one transaction: `key` seeds its guid and figures; the rest is its life so far. */
export interface TransactionFacts {
  key: string;
  id: string;
  day: number;
  status: 'PENDING' | 'POSTED';
  postedDay: number | null;
  createdAt: number;
  updatedAt: number;
  /** Another guid than the key's (a POSTED transaction that replaced its PENDING one). */
  guidKey?: string;
  /** The posted amount differs from the pending one (a tip added), as this factor. */
  amountFactor?: number;
}

export function viewOf(context: TransactionContext, member: Member, account: Account, facts: TransactionFacts): Record<string, unknown> {
  const { seed } = context;
  const { key, day, status } = facts;
  const date = isoDate(day);
  const templates = TEMPLATES[kindOf(account).type]!;
  const template = templates[hashInt(seed, `${key}:template`) % templates.length]!;
  const [min, max] = template.amount;
  const minute = hashInt(seed, `${key}:minute`) % (20 * 60);
  const transactedAt = new Date(day * DAY_MS + (6 * 60 + minute) * 60_000).toISOString();
  return {
    account_guid: account.guid,
    account_id: `mxbank-${account.index + 1}`,
    amount: cents((min + (max - min) * hashUnit(seed, `${key}:amount`)) * (facts.amountFactor ?? 1)),
    category: template.category,
    category_guid: null,
    check_number_string: null,
    created_at: new Date(facts.createdAt).toISOString(),
    currency_code: 'USD',
    date,
    description: template.description,
    extended_transaction_type: null,
    guid: guid('TRN', seed, facts.guidKey ?? key),
    id: facts.id,
    is_bill_pay: template.flags?.is_bill_pay ?? false,
    is_direct_deposit: template.flags?.is_direct_deposit ?? false,
    is_expense: template.type === 'DEBIT' && template.topLevel !== 'Transfer',
    is_fee: template.flags?.is_fee ?? false,
    is_income: template.topLevel === 'Income',
    is_international: false,
    is_manual: false,
    is_overdraft_fee: false,
    is_payroll_advance: false,
    is_recurring: template.flags?.is_recurring ?? false,
    is_subscription: template.flags?.is_subscription ?? false,
    latitude: null,
    localized_description: null,
    localized_memo: null,
    longitude: null,
    member_guid: member.guid,
    member_is_managed_by_user: false,
    memo: null,
    merchant_category_code: null,
    merchant_guid: null,
    merchant_location_guid: null,
    metadata: null,
    original_description: template.original,
    posted_at: facts.postedDay === null ? null : `${isoDate(facts.postedDay)}T23:00:00.000Z`,
    status,
    top_level_category: template.topLevel,
    transacted_at: transactedAt,
    type: template.type,
    updated_at: new Date(facts.updatedAt).toISOString(),
    user_guid: member.userGuid,
    user_id: context.userId,
  };
}

/** The transactions of one account dated within [fromDay, toDay], for a statement. */
export function transactionsBetween(
  context: TransactionContext,
  member: Member,
  account: Account,
  fromDay: number,
  toDay: number,
  limit: number,
): Record<string, unknown>[] {
  const { start, end } = postedRange(context, member, account, fromDay, toDay);
  const result: Record<string, unknown>[] = [];
  for (let i = start; i < Math.min(end, start + limit); i++) result.push(transactionView(context, member, account, i));
  for (const t of inQuery(accountTail(context, member, account), fromDay, toDay)) {
    if (result.length < limit) result.push(t);
  }
  return result;
}
