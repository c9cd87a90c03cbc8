// The reconcile activity on real local storage (no Temporal: its context is optional): the baseline, a
// second run, a retry after the commit that changes nothing, a crash before the commit that leaves the
// previous state current, and damaged input refused with the reason.
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { reconcileActivities, type StatePointer } from '../../activities/reconcile';
import type { ActivityDeps } from '../../activities/deps';
import { createLocalStorage } from '../../src/storage/local';
import type { Storage } from '../../src/storage/types';

let dir: string;
let storage: Storage;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'reconcile-'));
  storage = createLocalStorage(dir);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const deps = (s: Storage) => ({ storage: s, clock: { now: () => new Date('2026-01-20T00:00:00Z') } }) as unknown as ActivityDeps;
const tx = (guid: string, fields: Record<string, unknown> = {}) => ({
  guid,
  account_guid: 'ACT-1',
  type: 'DEBIT',
  amount: 1,
  date: '2026-01-15',
  status: 'POSTED',
  ...fields,
});

function exportFile(name: string, transactions: object[]): string {
  const key = `exports/${name}/transactions.ndjson`;
  mkdirSync(dirname(join(dir, key)), { recursive: true });
  writeFileSync(join(dir, key), transactions.map((t) => `${JSON.stringify(t)}\n`).join(''));
  return key;
}
const input = (runId: string, transactions: object[]) => ({
  userId: 'u',
  memberGuid: 'MBR-1',
  runId,
  fromDate: '2026-01-01',
  toDate: '2026-01-31',
  transactionsKey: exportFile(runId, transactions),
  accountsKey: `exports/${runId}/accounts.ndjson`,
});
const pointer = () => JSON.parse(readFileSync(join(dir, 'refresh/u/MBR-1/state.json'), 'utf8')) as StatePointer;
const lines = (key: string) =>
  readFileSync(join(dir, key), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));

describe('reconcileTransactions', () => {
  it('baseline, then a run; a retry after the commit changes nothing', async () => {
    const { reconcileTransactions, readReconcileState } = reconcileActivities(deps(storage));
    expect(await readReconcileState({ userId: 'u', memberGuid: 'MBR-1' })).toEqual({ reconciledThrough: null, runs: 0, lastRunId: null });
    const first = await reconcileTransactions(input('run-a', [tx('TRN-2'), tx('TRN-1', { status: 'PENDING' })]));
    expect(first).toMatchObject({ counts: { added: 2 }, transactionCount: 2, reconciledThrough: '2026-01-15' });
    const second = await reconcileTransactions(input('run-b', [tx('TRN-2'), tx('TRN-1'), tx('TRN-3', { date: '2026-01-18' })]));
    expect(second).toMatchObject({
      counts: { added: 1, modified: 1, posted: 1, removed: 0 },
      transactionCount: 3,
      reconciledThrough: '2026-01-18',
    });
    expect(lines(second.stateKey).map((r) => r.guid)).toEqual(['TRN-1', 'TRN-2', 'TRN-3']);
    expect(() => readFileSync(join(dir, first.stateKey))).toThrow(); // the previous state file is gone after the commit
    expect(await reconcileTransactions(input('run-b', [tx('TRN-9')]))).toEqual(second);
    expect(pointer()).toMatchObject({ runs: 2, changeSets: [{ runId: 'run-a' }, { runId: 'run-b' }] });
  });

  it('a crash before the commit leaves the previous state current; the next run covers both', async () => {
    await reconcileActivities(deps(storage)).reconcileTransactions(input('run-a', [tx('TRN-1'), tx('TRN-2')]));
    const committed = pointer();
    const crashing: Storage = {
      ...storage,
      put: async (key, source, options) => {
        if (key.endsWith('/state.json')) throw new Error('power cut');
        return storage.put(key, source, options);
      },
    };
    await expect(reconcileActivities(deps(crashing)).reconcileTransactions(input('run-b', [tx('TRN-1')]))).rejects.toThrow(/power cut/);
    expect(pointer()).toEqual(committed);
    expect(lines(committed.stateKey).map((r) => r.guid)).toEqual(['TRN-1', 'TRN-2']);
    const next = await reconcileActivities(deps(storage)).reconcileTransactions(input('run-c', [tx('TRN-1'), tx('TRN-3')]));
    expect(next.counts).toEqual({ added: 1, modified: 0, posted: 0, removed: 1 });
    expect(pointer().changeSets.map((c) => c.runId)).toEqual(['run-a', 'run-c']);
  });

  it('two runs overlapping: the later commit re-plans from the earlier one instead of overwriting it', async () => {
    const plain = reconcileActivities(deps(storage));
    await plain.reconcileTransactions(input('run-a', [tx('TRN-1')]));
    let interleaved = false;
    const racing: Storage = {
      ...storage,
      put: async (key, source, options) => {
        if (!interleaved && key.includes('/changes/')) {
          interleaved = true;
          await plain.reconcileTransactions(input('run-x', [tx('TRN-1'), tx('TRN-2')]));
        }
        return storage.put(key, source, options);
      },
    };
    await expect(
      reconcileActivities(deps(racing)).reconcileTransactions(input('run-b', [tx('TRN-1'), tx('TRN-2'), tx('TRN-3')])),
    ).rejects.toThrow(/committed by run run-x meanwhile/);
    const retried = await plain.reconcileTransactions(input('run-b', [tx('TRN-1'), tx('TRN-2'), tx('TRN-3')]));
    expect(retried.counts).toEqual({ added: 1, modified: 0, posted: 0, removed: 0 });
    expect(pointer().changeSets.map((c) => c.runId)).toEqual(['run-a', 'run-x', 'run-b']);
  });

  it('refuses a damaged export or state, naming it', async () => {
    const { reconcileTransactions } = reconcileActivities(deps(storage));
    await expect(reconcileTransactions(input('run-a', [{ amount: 1 }]))).rejects.toThrow(/transaction 1 of the window has no guid/);
    await reconcileTransactions(input('run-b', [tx('TRN-1')]));
    writeFileSync(join(dir, pointer().stateKey), '{"guid":"TRN-2","transaction":{}}\n{"guid":"TRN-1","transaction":{}}\n');
    await expect(reconcileTransactions(input('run-c', [tx('TRN-1')]))).rejects.toMatchObject({
      type: 'ReconcileStateCorrupt',
      message: expect.stringMatching(/not sorted by guid/),
    });
    await expect(reconcileTransactions({ ...input('run-d', []), fromDate: '2026-02-01' })).rejects.toThrow(
      /fromDate 2026-02-01 is after toDate/,
    );
  });
});
