// The reconciliation of one run: the stored state (a stream sorted by guid, so any size fits in
// memory) against what MX returned for the re-read window (held in memory: a window, not a history).
// planReconciliation reads the state once and decides every change; applyPlan reads it again and
// yields the new state, still sorted. Pure: no storage, no clock (the run id stamps what changed).
import { fieldChanges } from './compare';
import { linkReplacements } from './link';
import type { Change, ChangeCounts, StateRecord, Transaction, Window } from './types';

export interface Plan {
  /** guid -> its new record, for records kept under the same guid. */
  replaced: Map<string, StateRecord>;
  /** Stored guids that leave the state (removed, or a pending one replaced under a new guid). */
  dropped: Set<string>;
  /** New records (added, or the posted replacement of a pending one), sorted by guid. */
  inserted: StateRecord[];
  /** The change set, sorted by kind (added, modified, removed) then guid. */
  changes: Change[];
  counts: ChangeCounts;
  /** The latest transaction date in the window's answer, or null when it was empty. */
  latestDate: string | null;
}

export class ReconcileInputError extends Error {}

const byGuid = (a: { guid: string }, b: { guid: string }) => (a.guid < b.guid ? -1 : a.guid > b.guid ? 1 : 0);
const ORDER = { added: 0, modified: 1, removed: 2 } as const;

/** Every transaction of the window keyed by guid; a malformed one or two versions of one guid is refused. */
export function indexFresh(fresh: Iterable<unknown>): Map<string, Transaction> {
  const index = new Map<string, Transaction>();
  let n = 0;
  for (const item of fresh) {
    n += 1;
    if (typeof item !== 'object' || item === null || typeof (item as Transaction).guid !== 'string' || !(item as Transaction).guid) {
      throw new ReconcileInputError(`transaction ${n} of the window has no guid`);
    }
    const transaction = item as Transaction;
    const earlier = index.get(transaction.guid);
    if (earlier && JSON.stringify(earlier) !== JSON.stringify(transaction)) {
      throw new ReconcileInputError(`the window holds two different versions of transaction ${transaction.guid}`);
    }
    index.set(transaction.guid, transaction);
  }
  return index;
}

export const inWindow = (date: unknown, window: Window) => typeof date === 'string' && date >= window.fromDate && date <= window.toDate;

/** Checks the stream is sorted by guid without repeats: a damaged state file fails, it is never half-used. */
async function* checked(state: AsyncIterable<StateRecord>): AsyncGenerator<StateRecord> {
  let previous: string | null = null;
  for await (const record of state) {
    if (!record || typeof record.guid !== 'string' || !record.transaction)
      throw new ReconcileInputError('a state line is not a transaction record');
    if (previous !== null && record.guid <= previous) {
      throw new ReconcileInputError(`the state is not sorted by guid (${record.guid} after ${previous})`);
    }
    previous = record.guid;
    yield record;
  }
}

export async function planReconciliation(
  state: AsyncIterable<StateRecord>,
  fresh: Map<string, Transaction>,
  window: Window,
  runId: string,
): Promise<Plan> {
  const replaced = new Map<string, StateRecord>();
  const dropped = new Set<string>();
  const seen = new Set<string>();
  const vanished: StateRecord[] = [];
  const changes: Change[] = [];
  const counts: ChangeCounts = { added: 0, modified: 0, posted: 0, removed: 0 };
  const modified = (record: StateRecord, transaction: Transaction, link: 'same-guid' | 'replaced-pending') => {
    const changed = fieldChanges(record.transaction, transaction);
    changes.push({ change: 'modified', guid: transaction.guid, link, previousGuid: record.guid, changes: changed, transaction });
    counts.modified += 1;
    if (record.transaction.status === 'PENDING' && transaction.status === 'POSTED') counts.posted += 1;
  };

  for await (const record of checked(state)) {
    const now = fresh.get(record.guid);
    if (now) {
      seen.add(record.guid);
      if (Object.keys(fieldChanges(record.transaction, now)).length > 0) {
        modified(record, now, 'same-guid');
        replaced.set(record.guid, { ...record, transaction: now, updatedRunId: runId });
      }
    } else if (inWindow(record.transaction.date, window)) {
      vanished.push(record);
    }
  }

  const added = [...fresh.values()].filter((t) => !seen.has(t.guid));
  const links = linkReplacements(
    vanished.map((r) => r.transaction),
    added,
  );
  const linkedPosted = new Map([...links].map(([pending, posted]) => [posted, pending]));
  const vanishedByGuid = new Map(vanished.map((r) => [r.guid, r]));
  const inserted: StateRecord[] = [];
  for (const transaction of added) {
    const pendingGuid = linkedPosted.get(transaction.guid);
    if (pendingGuid) {
      const pending = vanishedByGuid.get(pendingGuid)!;
      modified(pending, transaction, 'replaced-pending');
      dropped.add(pendingGuid);
      inserted.push({
        guid: transaction.guid,
        transaction,
        replacedPendingGuid: pendingGuid,
        addedRunId: pending.addedRunId,
        updatedRunId: runId,
      });
    } else {
      changes.push({ change: 'added', guid: transaction.guid, transaction });
      counts.added += 1;
      inserted.push({ guid: transaction.guid, transaction, replacedPendingGuid: null, addedRunId: runId, updatedRunId: runId });
    }
  }
  for (const record of vanished) {
    if (links.has(record.guid)) continue;
    changes.push({ change: 'removed', guid: record.guid, transaction: record.transaction });
    counts.removed += 1;
    dropped.add(record.guid);
  }
  inserted.sort(byGuid);
  changes.sort((a, b) => ORDER[a.change] - ORDER[b.change] || byGuid(a, b));
  let latestDate: string | null = null;
  for (const t of fresh.values()) if (typeof t.date === 'string' && (latestDate === null || t.date > latestDate)) latestDate = t.date;
  return { replaced, dropped, inserted, changes, counts, latestDate };
}

/** The new state: the stored records with the plan applied, merged with the inserted ones, sorted by guid. */
export async function* applyPlan(state: AsyncIterable<StateRecord>, plan: Plan): AsyncGenerator<StateRecord> {
  let next = 0;
  for await (const record of checked(state)) {
    while (next < plan.inserted.length && plan.inserted[next]!.guid < record.guid) yield plan.inserted[next++]!;
    if (plan.dropped.has(record.guid)) continue;
    yield plan.replaced.get(record.guid) ?? record;
  }
  while (next < plan.inserted.length) yield plan.inserted[next++]!;
}
