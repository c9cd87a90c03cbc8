// The bank moves on: each aggregation after the member's first shows the accounts as of its own day
// (member.refreshedAt, on the sandbox's clock). Days since the first aggregation bring 0-2 new
// transactions per account, each PENDING until it posts one or two days later. Posting follows MX's
// TransactionResponse.status: a PENDING transaction either becomes POSTED with the same guid, or (most
// common) is deleted and replaced by a new POSTED transaction with a new guid; some pending ones are
// voided and simply disappear. Balances move by what posted. All of it is a pure function of the seed,
// the account and the two days, so the same clock gives the same data (src/sandbox/README.md, "Time").
import { kindOf } from './accounts';
import { hashInt, hashUnit } from './ids';
import type { Account, Member } from './store';
import { cents, dayNumber, shape, type TransactionContext, type TransactionFacts, viewOf } from './transactions';

const DAY_MS = 86_400_000;
/** Shares of pending transactions by fate (the rest is replaced by a new guid, MX's most common case). */
const VOIDED_SHARE = 0.15;
const POSTED_IN_PLACE_SHARE = 0.35;
/** Of those posted in place, this share posts a different amount (a tip added): a modified field. */
const TIP_SHARE = 0.3;
const TIP_FACTOR = 1.15;
const MAX_NEW_PER_DAY = 2;

type Fate = 'voided' | 'in-place' | 'replaced';

interface Origin {
  key: string;
  id: string;
  day: number;
  /** When it first showed (the baseline's aggregation, or its own day). */
  appearedAt: number;
}

/** The day MX's data is as of for this member: its latest aggregation. */
export function currentDay(member: Member, account: Account): number {
  return dayNumber(member.refreshedAt ?? member.dataAsOf ?? account.createdAt);
}

function fateOf(seed: number, key: string): Fate {
  const unit = hashUnit(seed, `${key}:fate`);
  if (unit < VOIDED_SHARE) return 'voided';
  return unit < VOIDED_SHARE + POSTED_IN_PLACE_SHARE ? 'in-place' : 'replaced';
}

function postingDay(seed: number, origin: Origin): number {
  return origin.day + 1 + (hashInt(seed, `${origin.key}:lag`) % 2);
}

/** Every transaction that was PENDING at some point: the baseline's pending ones, then each later day's. */
function origins(context: TransactionContext, member: Member, account: Account): Origin[] {
  const baseAt = member.dataAsOf ?? account.createdAt;
  const baseDay = dayNumber(baseAt);
  const { posted } = shape(context.perAccount);
  const list: Origin[] = [];
  for (let i = posted; i < context.perAccount; i++) {
    list.push({ key: `${account.guid}:${i}`, id: `${account.index + 1}-${i + 1}`, day: baseDay, appearedAt: baseAt });
  }
  const today = currentDay(member, account);
  for (let day = baseDay + 1; day <= today; day++) {
    const count = hashInt(context.seed, `${account.guid}:d${day}:count`) % (MAX_NEW_PER_DAY + 1);
    for (let j = 0; j < count; j++) {
      list.push({
        key: `${account.guid}:d${day}:${j}`,
        id: `${account.index + 1}-d${day}-${j + 1}`,
        day,
        appearedAt: day * DAY_MS + 12 * 3_600_000,
      });
    }
  }
  return list;
}

/** The facts of one origin as of `today`, or null when it was voided. */
function factsAsOf(seed: number, origin: Origin, today: number): TransactionFacts | null {
  const pending: TransactionFacts = {
    key: origin.key,
    id: origin.id,
    day: origin.day,
    status: 'PENDING',
    postedDay: null,
    createdAt: origin.appearedAt,
    updatedAt: origin.appearedAt,
  };
  const postDay = postingDay(seed, origin);
  if (today < postDay) return pending;
  const postedAt = postDay * DAY_MS + 12 * 3_600_000;
  switch (fateOf(seed, origin.key)) {
    case 'voided':
      return null;
    case 'in-place': {
      const tip = hashUnit(seed, `${origin.key}:tip`) < TIP_SHARE ? TIP_FACTOR : 1;
      return { ...pending, status: 'POSTED', postedDay: postDay, updatedAt: postedAt, amountFactor: tip };
    }
    case 'replaced':
      return {
        ...pending,
        id: `${origin.id}-P`,
        guidKey: `${origin.key}:posted`,
        status: 'POSTED',
        postedDay: postDay,
        createdAt: postedAt,
        updatedAt: postedAt,
      };
  }
}

/** The account's transactions that are pending or newer than the first aggregation, as of now, oldest first. */
export function accountTail(context: TransactionContext, member: Member, account: Account): Record<string, unknown>[] {
  const today = currentDay(member, account);
  const tail: Record<string, unknown>[] = [];
  for (const origin of origins(context, member, account)) {
    const facts = factsAsOf(context.seed, origin, today);
    if (facts) tail.push(viewOf(context, member, account, facts));
  }
  return tail;
}

/** How far the balance moved since the first aggregation: what posted since, signed for the account's kind. */
export function balanceChange(context: TransactionContext, member: Member, account: Account): number {
  const debt = kindOf(account).isDebt;
  let change = 0;
  for (const transaction of accountTail(context, member, account)) {
    if (transaction.status !== 'POSTED') continue;
    const signed = (transaction.type === 'CREDIT' ? 1 : -1) * (transaction.amount as number);
    change += debt ? -signed : signed;
  }
  return cents(change);
}
