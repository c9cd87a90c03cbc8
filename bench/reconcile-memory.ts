// Memory of one reconciliation against a large stored state: the reconcile activity (state streamed as
// sorted NDJSON, only the re-read window in memory) side by side with the obvious baseline (the whole
// state parsed into a Map, diffed, written back). Each runs in its own process, which samples its RSS.
// Run: npx tsx bench/reconcile-memory.ts [state transactions, default 300000] [window transactions, default 2000]
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { once } from 'node:events';
import { reconcileActivities } from '../activities/reconcile';
import type { ActivityDeps } from '../activities/deps';
import { readNdjson } from '../src/reconcile/ndjson';
import type { StateRecord } from '../src/reconcile/types';
import { createLocalStorage } from '../src/storage/local';

const [mode, dirArg] = process.argv.slice(2);
const stateSize = Number(process.argv[2] && !['streamed', 'in-memory'].includes(process.argv[2]) ? process.argv[2] : 300_000);
const windowSize = Number(process.argv[3] && !['streamed', 'in-memory'].includes(process.argv[2]!) ? process.argv[3] : 2_000);

const guid = (i: number) => `TRN-${String(i).padStart(9, '0')}`;
const transaction = (i: number, date: string, status = 'POSTED') => ({
  guid: guid(i),
  account_guid: 'ACT-1',
  amount: (i % 997) / 10,
  type: 'DEBIT',
  date,
  status,
  description: 'Grocery',
  original_description: 'SMITHS FOOD #4411',
  category: 'Groceries',
  posted_at: `${date}T23:00:00.000Z`,
  created_at: '2026-01-01T00:00:00.000Z',
  updated_at: '2026-01-01T00:00:00.000Z',
  memo: null,
  merchant_guid: null,
});

async function prepare(dir: string, size: number, window: number): Promise<void> {
  const storage = createLocalStorage(dir);
  const stateKey = 'refresh/u/MBR-1/state/transactions.base.ndjson';
  mkdirSync(dirname(join(dir, stateKey)), { recursive: true });
  const out = createWriteStream(join(dir, stateKey));
  for (let i = 0; i < size; i++) {
    const date = i >= size - window ? '2026-03-10' : '2025-12-01';
    const record: StateRecord = {
      guid: guid(i),
      transaction: transaction(i, date, i % 50 === 0 ? 'PENDING' : 'POSTED'),
      replacedPendingGuid: null,
      addedRunId: 'base',
      updatedRunId: 'base',
    };
    if (!out.write(`${JSON.stringify(record)}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  const lastRun = {
    runId: 'base',
    window: { fromDate: '2025-01-01', toDate: '2026-03-10' },
    counts: { added: size, modified: 0, posted: 0, removed: 0 },
    transactionCount: size,
    reconciledThrough: '2026-03-10',
    stateKey,
    changesKey: 'x',
    pointerKey: 'refresh/u/MBR-1/state.json',
    accountsKey: 'x',
    committedAt: '2026-03-10T00:00:00Z',
  };
  writeFileSync(
    join(dir, 'refresh/u/MBR-1/state.json'),
    JSON.stringify({
      version: 1,
      userId: 'u',
      memberGuid: 'MBR-1',
      stateKey,
      transactionCount: size,
      reconciledThrough: '2026-03-10',
      runs: 1,
      lastRun,
      changeSets: [],
      updatedAt: '',
    }),
  );
  // The window: the last `window` transactions, every 50th posted now, a tenth gone, some new.
  const fresh: object[] = [];
  for (let i = size - window; i < size; i++) if (i % 10 !== 3) fresh.push(transaction(i, '2026-03-10'));
  for (let i = size; i < size + window / 10; i++) fresh.push(transaction(i, '2026-03-11'));
  mkdirSync(join(dir, 'exports'), { recursive: true });
  writeFileSync(join(dir, 'exports/transactions.ndjson'), fresh.map((t) => `${JSON.stringify(t)}\n`).join(''));
  void storage;
}

async function measure(dir: string, how: string): Promise<void> {
  global.gc?.();
  const start = process.memoryUsage().rss;
  let peak = start;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  const began = performance.now();
  const storage = createLocalStorage(dir);
  const input = {
    userId: 'u',
    memberGuid: 'MBR-1',
    runId: 'run-1',
    fromDate: '2026-02-20',
    toDate: '2026-03-20',
    transactionsKey: 'exports/transactions.ndjson',
    accountsKey: 'x',
  };
  if (how === 'streamed') {
    await reconcileActivities({ storage, clock: { now: () => new Date() } } as unknown as ActivityDeps).reconcileTransactions(input);
  } else {
    // The baseline: everything in memory.
    const state = new Map<string, StateRecord>();
    for await (const r of readNdjson<StateRecord>(storage.read('refresh/u/MBR-1/state/transactions.base.ndjson'), 'state'))
      state.set(r.guid, r);
    const fresh = new Map<string, Record<string, unknown>>();
    for await (const t of readNdjson<Record<string, unknown> & { guid: string }>(storage.read(input.transactionsKey), 'window'))
      fresh.set(t.guid, t);
    for (const [g, t] of fresh)
      state.set(g, {
        guid: g,
        transaction: t as StateRecord['transaction'],
        replacedPendingGuid: null,
        addedRunId: 'run-1',
        updatedRunId: 'run-1',
      });
    for (const [g, r] of state) if ((r.transaction.date as string) >= input.fromDate && !fresh.has(g)) state.delete(g);
    const sorted = [...state.values()].sort((a, b) => (a.guid < b.guid ? -1 : 1));
    await storage.put(
      'refresh/u/MBR-1/state/transactions.naive.ndjson',
      sorted.map((r) => `${JSON.stringify(r)}\n`),
    );
  }
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  console.log(JSON.stringify({ how, peakGrowthMb: (peak - start) / 1e6, seconds: (performance.now() - began) / 1000 }));
}

if (mode === 'streamed' || mode === 'in-memory') {
  await measure(dirArg!, mode);
} else {
  const dir = mkdtempSync(join(tmpdir(), 'bench-reconcile-'));
  try {
    await prepare(dir, stateSize, windowSize);
    console.log(`state: ${stateSize} transactions; window: ${windowSize} re-read (${windowSize / 10} gone, ${windowSize / 10} new)`);
    for (const how of ['in-memory', 'streamed']) {
      const line = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', 'bench/reconcile-memory.ts', how, dir], {
        encoding: 'utf8',
      })
        .trim()
        .split('\n')
        .pop()!;
      const r = JSON.parse(line) as { how: string; peakGrowthMb: number; seconds: number };
      console.log(`${r.how.padEnd(10)} peak RSS growth ${r.peakGrowthMb.toFixed(1).padStart(7)} MB   ${r.seconds.toFixed(2)} s`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
