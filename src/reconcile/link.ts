// Pending -> posted under a new guid. MX says a PENDING transaction either becomes POSTED keeping its
// guid, or (most commonly) is deleted and replaced by a new POSTED transaction with a new guid, and that
// the two may coexist for up to 14 days (TransactionResponse.status). MX does not say how to tell which
// new transaction replaced which pending one, so this rule does: a PENDING transaction that vanished
// from the re-read window is replaced by a POSTED transaction new to the state with the same account,
// type, amount and original description (the description when MX sends none), dated on or up to 14
// days after it. Several candidates: the closest date, then the lowest guid, each used once. Strict
// equality of the amount: a wrong link would hide a real removal, a missed link only shows as
// removed + added (a tip-adjusted amount is therefore not linked).
import type { Transaction } from './types';

export const LINK_MAX_DAYS = 14;
const DAY_MS = 86_400_000;

const descriptionOf = (t: Transaction) => (t.original_description ?? t.description ?? null) as string | null;

function daysBetween(from: unknown, to: unknown): number | null {
  if (typeof from !== 'string' || typeof to !== 'string') return null;
  const a = Date.parse(`${from}T00:00:00Z`);
  const b = Date.parse(`${to}T00:00:00Z`);
  return Number.isNaN(a) || Number.isNaN(b) ? null : Math.round((b - a) / DAY_MS);
}

export function replaces(pending: Transaction, posted: Transaction): number | null {
  if (pending.status !== 'PENDING' || posted.status !== 'POSTED') return null;
  if (pending.account_guid !== posted.account_guid || pending.type !== posted.type) return null;
  if (pending.amount !== posted.amount || descriptionOf(pending) !== descriptionOf(posted)) return null;
  const days = daysBetween(pending.date, posted.date);
  return days !== null && days >= 0 && days <= LINK_MAX_DAYS ? days : null;
}

/** Pairs vanished pending transactions with new posted ones: pending guid -> posted guid. */
export function linkReplacements(vanished: Transaction[], added: Transaction[]): Map<string, string> {
  const links = new Map<string, string>();
  const used = new Set<string>();
  const candidates = [...added].sort((a, b) => (a.guid < b.guid ? -1 : a.guid > b.guid ? 1 : 0));
  for (const pending of [...vanished].sort((a, b) => (a.guid < b.guid ? -1 : 1))) {
    let best: { guid: string; days: number } | null = null;
    for (const posted of candidates) {
      if (used.has(posted.guid)) continue;
      const days = replaces(pending, posted);
      if (days !== null && (best === null || days < best.days)) best = { guid: posted.guid, days };
    }
    if (best) {
      links.set(pending.guid, best.guid);
      used.add(best.guid);
    }
  }
  return links;
}
