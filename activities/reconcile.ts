// Transactions reconciled across runs: the window a refresh re-read against the member's stored state.
// The state is streamed (sorted NDJSON), the window held in memory. Writes: the new state file and the
// change set under this run's own keys, then state.json (the pointer) last; every put is atomic. A crash
// before the pointer leaves the previous state current (the next run redoes the work from it); a retry
// after the pointer finds its own run id there and returns the recorded result.
import { ApplicationFailure } from '@temporalio/common';
import { FAILURES } from '../src/failures/catalogue';
import { applyPlan, indexFresh, planReconciliation, ReconcileInputError } from '../src/reconcile/diff';
import { memberStateKeys } from '../src/reconcile/keys';
import { readNdjson, toNdjson } from '../src/reconcile/ndjson';
import type { StateRecord } from '../src/reconcile/types';
import type { Storage } from '../src/storage/types';
import { cancellation } from './context';
import type { ActivityDeps } from './deps';
import { invalidInput } from './failures';
import type { ReconcileStateInfo, ReconcileSummary, RefreshActivities } from './refresh-types';

/** state.json: the commit point of the member's reconciled state. */
export interface StatePointer {
  version: 1;
  userId: string;
  memberGuid: string;
  stateKey: string;
  transactionCount: number;
  reconciledThrough: string | null;
  runs: number;
  lastRun: ReconcileSummary;
  /** Every committed change set, oldest first: consumers read these, never a file not listed here. */
  changeSets: { sequence: number; runId: string; key: string; committedAt: string; counts: ReconcileSummary['counts'] }[];
  updatedAt: string;
}

export const STATE_CORRUPT = FAILURES.reconcileStateCorrupt.type;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export async function readPointer(storage: Storage, key: string): Promise<StatePointer | null> {
  if (!(await storage.exists(key))) return null;
  const chunks: Buffer[] = [];
  for await (const chunk of storage.read(key)) chunks.push(Buffer.from(chunk as Uint8Array));
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as StatePointer;
  } catch {
    throw ApplicationFailure.create({
      type: STATE_CORRUPT,
      nonRetryable: true,
      message: `${key} is not valid JSON; restore it from a backup or delete the member's refresh/ folder to start a new baseline`,
    });
  }
}

async function* emptyState(): AsyncGenerator<StateRecord> {}

export function reconcileActivities({
  storage,
  clock,
}: ActivityDeps): Pick<RefreshActivities, 'readReconcileState' | 'reconcileTransactions'> {
  const stateOf = (pointer: StatePointer | null) =>
    pointer ? readNdjson<StateRecord>(storage.read(pointer.stateKey), pointer.stateKey) : emptyState();
  return {
    async readReconcileState(input): Promise<ReconcileStateInfo> {
      if (!input?.userId || !input.memberGuid) throw invalidInput('readReconcileState: userId and memberGuid are required');
      const pointer = await readPointer(storage, memberStateKeys(input.userId, input.memberGuid).pointer);
      return { reconciledThrough: pointer?.reconciledThrough ?? null, runs: pointer?.runs ?? 0, lastRunId: pointer?.lastRun.runId ?? null };
    },

    async reconcileTransactions(input) {
      checkInput(input);
      const signal = cancellation();
      const keys = memberStateKeys(input.userId, input.memberGuid);
      const pointer = await readPointer(storage, keys.pointer);
      if (pointer?.lastRun.runId === input.runId) return pointer.lastRun; // a retry after the commit
      const window = { fromDate: input.fromDate, toDate: input.toDate };
      try {
        const fresh = indexFresh(await collect(readNdjson<unknown>(storage.read(input.transactionsKey), input.transactionsKey)));
        const plan = await planReconciliation(stateOf(pointer), fresh, window, input.runId);
        const sequence = (pointer?.runs ?? 0) + 1;
        const stateKey = keys.state(input.runId);
        const changesKey = keys.changes(sequence, input.runId);
        let transactionCount = 0;
        await storage.put(
          stateKey,
          toNdjson(applyPlan(stateOf(pointer), plan), (n) => (transactionCount = n)),
          { signal },
        );
        await storage.put(changesKey, toNdjson(plan.changes), { signal });
        const latest =
          [pointer?.reconciledThrough ?? null, plan.latestDate]
            .filter((d): d is string => d !== null)
            .sort()
            .pop() ?? null;
        const committedAt = clock.now().toISOString();
        const summary: ReconcileSummary = {
          runId: input.runId,
          window,
          counts: plan.counts,
          transactionCount,
          reconciledThrough: latest,
          stateKey,
          changesKey,
          pointerKey: keys.pointer,
          accountsKey: input.accountsKey,
          committedAt,
        };
        const next: StatePointer = {
          version: 1,
          userId: input.userId,
          memberGuid: input.memberGuid,
          stateKey,
          transactionCount,
          reconciledThrough: latest,
          runs: sequence,
          lastRun: summary,
          changeSets: [...(pointer?.changeSets ?? []), { sequence, runId: input.runId, key: changesKey, committedAt, counts: plan.counts }],
          updatedAt: committedAt,
        };
        // Another run committed meanwhile (visibility lag let two overlap): plan again from its state.
        const now = await readPointer(storage, keys.pointer);
        if ((now?.lastRun.runId ?? null) !== (pointer?.lastRun.runId ?? null)) {
          throw new Error(`the member's state was committed by run ${now?.lastRun.runId} meanwhile; reconciling again from it`);
        }
        await storage.put(keys.pointer, [Buffer.from(`${JSON.stringify(next, null, 2)}\n`)], { signal });
        // Committed: the previous state file is no longer current (a crash here only leaves it behind).
        if (pointer && pointer.stateKey !== stateKey) await storage.remove(pointer.stateKey);
        return summary;
      } catch (error) {
        if (error instanceof ReconcileInputError || (error instanceof Error && /is not valid JSON/.test(error.message))) {
          throw ApplicationFailure.create({ type: STATE_CORRUPT, nonRetryable: true, message: `reconcileTransactions: ${error.message}` });
        }
        throw error;
      }
    },
  };
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

function checkInput(input: Parameters<RefreshActivities['reconcileTransactions']>[0]): void {
  if (!input?.userId || !input.memberGuid || !input.runId)
    throw invalidInput('reconcileTransactions: userId, memberGuid and runId are required');
  if (!input.transactionsKey || !input.accountsKey)
    throw invalidInput('reconcileTransactions: transactionsKey and accountsKey are required');
  for (const field of ['fromDate', 'toDate'] as const) {
    if (typeof input[field] !== 'string' || !DATE.test(input[field]))
      throw invalidInput(`reconcileTransactions: ${field} must be a date as YYYY-MM-DD`);
  }
  if (input.fromDate > input.toDate)
    throw invalidInput(`reconcileTransactions: fromDate ${input.fromDate} is after toDate ${input.toDate}`);
}
