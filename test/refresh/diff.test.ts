// The reconciliation's pure logic: each kind of change, the pending -> posted link, order and errors.
import { describe, expect, it } from 'vitest';
import { applyPlan, indexFresh, planReconciliation, ReconcileInputError } from '../../src/reconcile/diff';
import { linkReplacements } from '../../src/reconcile/link';
import type { StateRecord, Transaction } from '../../src/reconcile/types';

const window = { fromDate: '2026-01-10', toDate: '2026-01-31' };

function tx(guid: string, fields: Partial<Transaction> = {}): Transaction {
  return {
    guid,
    account_guid: 'ACT-1',
    type: 'DEBIT',
    amount: 10,
    original_description: 'SHOP',
    date: '2026-01-15',
    status: 'POSTED',
    ...fields,
  };
}
const record = (t: Transaction, run = 'run-0'): StateRecord => ({
  guid: t.guid,
  transaction: t,
  replacedPendingGuid: null,
  addedRunId: run,
  updatedRunId: run,
});
async function* stream<T>(items: T[]): AsyncGenerator<T> {
  yield* items;
}
async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}
async function reconcile(stored: Transaction[], fresh: Transaction[]) {
  const state = stored.map((t) => record(t)).sort((a, b) => (a.guid < b.guid ? -1 : 1));
  const plan = await planReconciliation(stream(state), indexFresh(fresh), window, 'run-1');
  const next = await collect(applyPlan(stream(state), plan));
  return { plan, next };
}

describe('planReconciliation', () => {
  it('adds, modifies with what changed, removes with a tombstone, keeps what is outside the window', async () => {
    const old = tx('TRN-0', { date: '2026-01-01' }); // before the window: not re-read, kept
    const same = tx('TRN-1');
    const changed = tx('TRN-2', { amount: 5 });
    const gone = tx('TRN-3');
    const fresh = [same, { ...changed, amount: 6, memo: 'x' }, tx('TRN-4')];
    const { plan, next } = await reconcile([old, same, changed, gone], fresh);
    expect(plan.counts).toEqual({ added: 1, modified: 1, posted: 0, removed: 1 });
    expect(plan.changes.map((c) => [c.change, c.guid])).toEqual([
      ['added', 'TRN-4'],
      ['modified', 'TRN-2'],
      ['removed', 'TRN-3'],
    ]);
    expect(plan.changes[1]).toMatchObject({
      link: 'same-guid',
      previousGuid: 'TRN-2',
      changes: { amount: { from: 5, to: 6 }, memo: { from: null, to: 'x' } },
    });
    expect(plan.changes[2]).toMatchObject({ transaction: gone });
    expect(next.map((r) => r.guid)).toEqual(['TRN-0', 'TRN-1', 'TRN-2', 'TRN-4']);
    expect(next.find((r) => r.guid === 'TRN-2')).toMatchObject({ updatedRunId: 'run-1', addedRunId: 'run-0', transaction: { amount: 6 } });
    expect(next.find((r) => r.guid === 'TRN-4')).toMatchObject({ addedRunId: 'run-1', replacedPendingGuid: null });
  });

  it('pending -> posted with the same guid is a modification', async () => {
    const pending = tx('TRN-5', { status: 'PENDING', posted_at: null });
    const { plan } = await reconcile([pending], [{ ...pending, status: 'POSTED', posted_at: '2026-01-16T23:00:00.000Z' }]);
    expect(plan.counts).toEqual({ added: 0, modified: 1, posted: 1, removed: 0 });
    expect(plan.changes[0]).toMatchObject({ link: 'same-guid', changes: { status: { from: 'PENDING', to: 'POSTED' } } });
  });

  it('a pending one replaced by a new guid is a linked modification, the pending one not left behind', async () => {
    const pending = tx('TRN-P', { status: 'PENDING' });
    const posted = tx('TRN-Z', { status: 'POSTED', date: '2026-01-16' });
    const { plan, next } = await reconcile([pending], [posted]);
    expect(plan.counts).toEqual({ added: 0, modified: 1, posted: 1, removed: 0 });
    expect(plan.changes[0]).toMatchObject({
      change: 'modified',
      guid: 'TRN-Z',
      link: 'replaced-pending',
      previousGuid: 'TRN-P',
      changes: {
        guid: { from: 'TRN-P', to: 'TRN-Z' },
        status: { from: 'PENDING', to: 'POSTED' },
        date: { from: '2026-01-15', to: '2026-01-16' },
      },
    });
    expect(next).toEqual([
      { guid: 'TRN-Z', transaction: posted, replacedPendingGuid: 'TRN-P', addedRunId: 'run-0', updatedRunId: 'run-1' },
    ]);
  });

  it('no link when the amount, account or description differ, or the posting is too late', async () => {
    const pending = tx('TRN-P', { status: 'PENDING' });
    for (const other of [
      { amount: 11 },
      { account_guid: 'ACT-2' },
      { original_description: 'OTHER' },
      { date: '2026-01-30' },
      { date: '2026-01-14' },
    ]) {
      const { plan } = await reconcile([pending], [tx('TRN-Z', other)]);
      expect(plan.changes.map((c) => c.change)).toEqual(['added', 'removed']);
    }
  });

  it('two pending ones and two postings: each linked once, closest date first', async () => {
    const links = linkReplacements(
      [tx('TRN-A', { status: 'PENDING', date: '2026-01-15' }), tx('TRN-B', { status: 'PENDING', date: '2026-01-17' })],
      [tx('TRN-X', { date: '2026-01-18' }), tx('TRN-Y', { date: '2026-01-16' })],
    );
    expect([...links]).toEqual([
      ['TRN-A', 'TRN-Y'],
      ['TRN-B', 'TRN-X'],
    ]);
  });

  it('a second run with the same answer changes nothing', async () => {
    const fresh = [tx('TRN-1'), tx('TRN-2', { status: 'PENDING' })];
    const first = await reconcile([], fresh);
    expect(first.plan.counts.added).toBe(2);
    const plan = await planReconciliation(stream(first.next), indexFresh(fresh), window, 'run-2');
    expect(plan.changes).toEqual([]);
    expect(await collect(applyPlan(stream(first.next), plan))).toEqual(first.next);
  });

  it('refuses a damaged state or window with the reason', async () => {
    await expect(planReconciliation(stream([record(tx('TRN-2')), record(tx('TRN-1'))]), new Map(), window, 'r')).rejects.toThrow(
      /not sorted by guid/,
    );
    expect(() => indexFresh([{ amount: 1 }])).toThrow(ReconcileInputError);
    expect(() => indexFresh([tx('TRN-1'), tx('TRN-1', { amount: 2 })])).toThrow(/two different versions of transaction TRN-1/);
  });
});
