// How the guides scale with concurrent runs on the dev server (one process, SQLite in memory) and on the
// real Temporal server on PostgreSQL (test/cluster/helpers/cluster.ts, as `npm run test:cluster` runs it),
// in one invocation, side by side: for each N, one fetchAccountData run alone (the baseline), then N at
// once; printed are the makespan and its ratio to the lone run, p50 and p95 of the runs' own times,
// failures, and the worker process's peak RSS (VmHWM). One worker process (`src/cmd/worker.ts`) per
// server, the same sandbox and settings for both, so the server is what differs.
// Needs the server build: scripts/install-temporal-server.sh (and PostgreSQL 15, scripts/install-system-deps.sh).
// Run: npx tsx bench/scale.ts 100 500
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { loadConfig, SANDBOX_API_KEY, SANDBOX_CLIENT_ID } from '../src/config';
import { startSandbox } from '../src/sandbox/server';
import { loadDataConverter } from '../src/temporal/data-converter';
import { startDevServer } from '../src/temporal/dev-server';
import { freePort } from '../src/temporal/ports';
import { buildWorkflowBundle } from '../src/worker/bundle';
import { startCluster } from '../test/cluster/helpers/cluster';
import { CLUSTER_TIMINGS } from '../test/cluster/helpers/guide-runs';
import { startWorkerProcess } from '../test/cluster/helpers/worker-process';

const sizes = process.argv.slice(2).map(Number);
if (!sizes.length) sizes.push(100);
if (sizes.some((n) => !Number.isInteger(n) || n < 1)) {
  console.error(`Usage: npx tsx bench/scale.ts N [N ...]   (N: runs at once, a positive integer; got ${process.argv.slice(2).join(' ')})`);
  process.exit(2);
}

interface Backend {
  name: string;
  start(): Promise<{ address: string; stop(): Promise<void> }>;
}

const backends: Backend[] = [
  {
    name: 'dev server (SQLite)',
    start: async () => {
      const server = await startDevServer({ port: await freePort(), readyTimeoutMs: 120_000 });
      return { address: server.address, stop: () => server.stop() };
    },
  },
  { name: 'cluster (PostgreSQL)', start: () => startCluster() },
];

interface Figures {
  backend: string;
  n: number;
  aloneMs: number;
  makespanMs: number;
  p50Ms: number;
  p95Ms: number;
  failures: number;
  workerPeakRssMb: number;
}

async function main(): Promise<void> {
  const scratch = await mkdtemp(join(tmpdir(), 'bench-scale-'));
  const bundlePath = join(scratch, 'workflow-bundle.js');
  await writeFile(bundlePath, (await buildWorkflowBundle()).code);
  const sandbox = await startSandbox({ port: 0, jobDurationMs: 400 });
  const figures: Figures[] = [];
  try {
    for (const backend of backends) {
      const server = await backend.start();
      try {
        for (const n of sizes)
          figures.push(await measure(backend.name, server.address, n, { scratch, bundlePath, sandboxUrl: sandbox.url }));
      } finally {
        await server.stop();
      }
    }
  } finally {
    await sandbox.close();
    await rm(scratch, { recursive: true, force: true });
  }
  console.log(`\nN fetchAccountData runs at once, one worker process; sandbox jobs take 400 ms. ratio = makespan / one run alone.`);
  console.log(
    [
      'server'.padEnd(22),
      'N'.padStart(5),
      'alone ms'.padStart(9),
      'makespan ms'.padStart(12),
      'ratio'.padStart(6),
      'p50 ms'.padStart(8),
      'p95 ms'.padStart(8),
      'failed'.padStart(7),
      'worker peak RSS'.padStart(16),
    ].join(' '),
  );
  for (const f of figures) {
    console.log(
      [
        f.backend.padEnd(22),
        String(f.n).padStart(5),
        String(f.aloneMs).padStart(9),
        String(f.makespanMs).padStart(12),
        (f.makespanMs / f.aloneMs).toFixed(1).padStart(6),
        String(f.p50Ms).padStart(8),
        String(f.p95Ms).padStart(8),
        String(f.failures).padStart(7),
        `${f.workerPeakRssMb} MB`.padStart(16),
      ].join(' '),
    );
  }
}

async function measure(
  backend: string,
  address: string,
  n: number,
  ctx: { scratch: string; bundlePath: string; sandboxUrl: string },
): Promise<Figures> {
  const storageDir = await mkdtemp(join(ctx.scratch, 'storage-'));
  const env = {
    TEMPORAL_ADDRESS: address,
    TEMPORAL_NAMESPACE: 'default',
    TEMPORAL_TASK_QUEUE: `scale-${randomBytes(4).toString('hex')}`,
    MX_BASE_URL: ctx.sandboxUrl,
    MX_CLIENT_ID: SANDBOX_CLIENT_ID,
    MX_API_KEY: SANDBOX_API_KEY,
    STORAGE_DIR: storageDir,
    DATA_DIR: join(ctx.scratch, 'data'),
    PAYLOAD_CODEC_KEY: randomBytes(32).toString('base64'),
    WORKFLOW_BUNDLE_PATH: ctx.bundlePath,
    WORKER_SHUTDOWN_GRACE_MS: '2000',
    LOG_LEVEL: 'ERROR',
  };
  const worker = await startWorkerProcess(env, `${backend} worker`);
  const connection = await Connection.connect({ address });
  const client = new Client({ connection, dataConverter: await loadDataConverter(loadConfig(env)) });
  const run = async (): Promise<number> => {
    const userId = `scale-${randomBytes(6).toString('hex')}`;
    const started = Date.now();
    await client.workflow.execute('fetchAccountData', {
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      workflowId: `fetchAccountData-${userId}`,
      args: [{ userId, institutionCode: 'mxbank', credentials: { username: 'mxuser', password: 'password' }, ...CLUSTER_TIMINGS }],
    });
    return Date.now() - started;
  };
  try {
    await run(); // warm: the worker's first workflow task loads the bundle
    const aloneMs = await run();
    const started = Date.now();
    const outcomes = await Promise.allSettled(Array.from({ length: n }, run));
    const makespanMs = Date.now() - started;
    const times = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : [])).sort((a, b) => a - b);
    const failed = outcomes.filter((o) => o.status === 'rejected') as PromiseRejectedResult[];
    if (failed.length) console.error(`[${backend}] ${failed.length} of ${n} runs failed; first: ${String(failed[0]!.reason)}`);
    const at = (q: number) => times[Math.min(times.length - 1, Math.ceil(q * times.length) - 1)] ?? NaN;
    const figures = {
      backend,
      n,
      aloneMs,
      makespanMs,
      p50Ms: at(0.5),
      p95Ms: at(0.95),
      failures: failed.length,
      workerPeakRssMb: await peakRssMb(worker.child.pid!),
    };
    console.log(
      `[${backend}] N=${n}: makespan ${makespanMs} ms (${(makespanMs / aloneMs).toFixed(1)}x one run alone, ${aloneMs} ms), p95 ${figures.p95Ms} ms, ${failed.length} failed`,
    );
    return figures;
  } finally {
    await connection.close();
    await worker.stop();
    await rm(storageDir, { recursive: true, force: true });
  }
}

/** The process's peak resident set (Linux VmHWM), in MB. */
async function peakRssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? NaN) / 1024);
}

await main();
