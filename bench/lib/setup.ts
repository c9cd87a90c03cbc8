// What the issue-15 benchmarks (guide-overhead.ts, concurrency.ts) run against: the sandbox over loopback
// with 50 ms per request and 3 s jobs, the Temporal dev server, and one worker process started as
// production starts it (dist/worker.js, NODE_ENV=production, the prebuilt workflow bundle). Everything is
// stopped by `stop()`, and killed if the bench process exits first (children.ts).
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { build } from '../../scripts/build.mjs';
import { loadConfig, SANDBOX_API_KEY, SANDBOX_CLIENT_ID } from '../../src/config';
import { startSandbox, type Sandbox } from '../../src/sandbox/server';
import { loadDataConverter } from '../../src/temporal/data-converter';
import { startDevServer } from '../../src/temporal/dev-server';
import { freePort } from '../../src/temporal/ports';
import { buildWorkflowBundle } from '../../src/worker/bundle';
import { startProductionWorker, type WorkerProcess } from './worker-process';

/** MX's own pace in these benchmarks (issue 15). */
export const MX_LATENCY_MS = 50;
export const JOB_DURATION_MS = 3000;

export interface BenchSetup {
  sandbox: Sandbox;
  client: Client;
  taskQueue: string;
  worker: WorkerProcess;
  /** Where the worker stores files; the direct scripts get their own folders under scratch. */
  scratch: string;
  stop(): Promise<void>;
}

export interface SetupOptions {
  /** Extra environment for the worker (tuning variables). */
  workerEnv?: Record<string, string>;
  /** Node flags for the worker process (V8 flags, a preloaded probe). */
  workerNodeArgs?: string[];
  /** Dev server dynamic config (`key=value`), e.g. system.enableActivityEagerExecution=true. */
  dynamicConfig?: string[];
}

export async function startBench(options: SetupOptions = {}): Promise<BenchSetup> {
  const scratch = await mkdtemp(join(tmpdir(), 'bench-guides-'));
  const stops: (() => Promise<unknown>)[] = [() => rm(scratch, { recursive: true, force: true })];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch((e: unknown) => console.error(`cleanup: ${String(e)}`));
  };
  try {
    await build({ quiet: true }); // dist/worker.js as the Docker image runs it
    // BENCH_WORKFLOW_BUNDLE: measure another build of the workflows (e.g. one made with other bundler options).
    const bundlePath = process.env.BENCH_WORKFLOW_BUNDLE ?? join(scratch, 'workflow-bundle.js');
    if (!process.env.BENCH_WORKFLOW_BUNDLE) await writeFile(bundlePath, (await buildWorkflowBundle()).code);
    const sandbox = await startSandbox({ port: 0, jobDurationMs: JOB_DURATION_MS, faults: { latencyMs: MX_LATENCY_MS } });
    stops.push(() => sandbox.close());
    const server = await startDevServer({ port: await freePort(), readyTimeoutMs: 120_000, dynamicConfig: options.dynamicConfig });
    stops.push(() => server.stop());
    const taskQueue = `bench-${randomBytes(4).toString('hex')}`;
    const env = {
      TEMPORAL_ADDRESS: server.address,
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TASK_QUEUE: taskQueue,
      MX_BASE_URL: sandbox.url,
      MX_CLIENT_ID: SANDBOX_CLIENT_ID,
      MX_API_KEY: SANDBOX_API_KEY,
      STORAGE_DIR: join(scratch, 'storage'),
      DATA_DIR: join(scratch, 'data'),
      PAYLOAD_CODEC_KEY: randomBytes(32).toString('base64'),
      WORKFLOW_BUNDLE_PATH: bundlePath,
      WORKER_SHUTDOWN_GRACE_MS: '2000',
      LOG_LEVEL: 'WARN',
      ...options.workerEnv,
    };
    const worker = await startProductionWorker(env, 'worker', options.workerNodeArgs);
    stops.push(() => worker.stop());
    const connection = await Connection.connect({ address: server.address });
    stops.push(() => connection.close());
    const client = new Client({ connection, dataConverter: await loadDataConverter(loadConfig(env)) });
    return { sandbox, client, taskQueue, worker, scratch, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The guide input as a user starts it: defaults everywhere (polling first after 3 s, 4 downloads at a time). */
export function guideInput(userId: string) {
  return { userId, institutionCode: 'mxbank', credentials: { username: 'mxuser', password: 'password' } };
}

export function newUserId(prefix: string): string {
  return `${prefix}-${randomBytes(6).toString('hex')}`;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The q-quantile (nearest rank) of values. */
export function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;
}
