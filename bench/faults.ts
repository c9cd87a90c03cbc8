// What transient faults cost: N runs of both guides at once (default 40) against a sandbox that faults
// a share of all MX requests (429 with Retry-After, 503, garbled JSON bodies, cut PDF bodies), at 30%
// and 50%. Prints, per guide, how many runs completed, the retries each run spent (activity attempts
// beyond the first, read from its history) and how long the runs took. Target: every run completes.
// Run: npx tsx bench/faults.ts [runs]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { createActivities, systemClock } from '../activities';
import { SANDBOX_API_KEY, SANDBOX_CLIENT_ID } from '../src/config';
import { createMxClient } from '../src/mx/client';
import { startSandbox, type Sandbox } from '../src/sandbox/server';
import { createLocalStorage } from '../src/storage/local';
import { startDevServer } from '../src/temporal/dev-server';
import { freePort } from '../src/temporal/ports';
import { buildWorkflowBundle } from '../src/worker/bundle';
import { createWorker } from '../src/worker/create-worker';
import { FAULT_TOLERANT_POLLING, guideOf, retriesOf, type RunRetries } from '../test/workflows/fault-runs';

const runs = Number(process.argv[2] ?? 40);
const RATES = [0.3, 0.5];

async function main(): Promise<void> {
  // Every retried attempt logs a warning; the figures are what this bench is for.
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const workDir = mkdtempSync(join(tmpdir(), 'faults-bench-'));
  const [server, sandbox, bundle] = await Promise.all([
    startDevServer({ port: await freePort() }),
    startSandbox({ port: 0, jobDurationMs: 400, transactionsPerAccount: 1100 }),
    buildWorkflowBundle(),
  ]);
  const connection = await Connection.connect({ address: server.address });
  const native = await NativeConnection.connect({ address: server.address });
  const client = new Client({ connection });
  const mx = createMxClient({ baseUrl: sandbox.url, clientId: SANDBOX_CLIENT_ID, apiKey: SANDBOX_API_KEY, timeoutMs: 5_000 });
  const worker = await createWorker({
    connection: native,
    namespace: 'default',
    taskQueue: 'bench',
    activities: createActivities({ mx, storage: createLocalStorage(join(workDir, 'storage')), clock: systemClock }),
    workflowBundle: { code: bundle.code },
    shutdownGraceTime: 1_000,
  });
  const running = worker.run();
  try {
    console.log(`${runs} runs at once, half of each guide; 1,100 transactions per account (2 pages), 15 statements per member`);
    for (const rate of RATES) await measure(client, sandbox, rate);
  } finally {
    worker.shutdown();
    await running;
    await Promise.all([connection.close(), native.close(), sandbox.close()]);
    await server.stop();
    rmSync(workDir, { recursive: true, force: true });
  }
}

async function measure(client: Client, sandbox: Sandbox, rate: number): Promise<void> {
  sandbox.setFaults({ mixed: { rate } });
  const started = performance.now();
  const handles = await Promise.all(
    Array.from({ length: runs }, (_, i) =>
      client.workflow.start(guideOf(i), {
        taskQueue: 'bench',
        workflowId: `faults-${rate}-${i}-${Date.now()}`,
        args: [
          {
            userId: `faults-${i}`,
            institutionCode: 'mxbank',
            credentials: { username: 'mxuser', password: 'password' },
            polling: FAULT_TOLERANT_POLLING,
          },
        ],
      }),
    ),
  );
  const finished = await Promise.all(handles.map((handle) => settle(handle, started)));
  sandbox.setFaults({});
  console.log(`\n${Math.round(rate * 100)}% of MX requests faulted: all runs done after ${seconds(performance.now() - started)}`);
  for (const guide of ['fetchAccountData', 'fetchStatements']) {
    const own = finished.filter((_, i) => guideOf(i) === guide);
    const retries = (await Promise.all(own.map((r) => retriesOf(r.handle)))).sort((a, b) => a.retries - b.retries);
    const completed = own.filter((r) => r.ok).length;
    const times = own.map((r) => r.ms).sort((a, b) => a - b);
    console.log(
      `  ${guide}: ${completed}/${own.length} completed; run time median ${seconds(median(times))}, max ${seconds(times.at(-1)!)}`,
    );
    console.log(
      `    retries per run: median ${median(retries.map((r) => r.retries))}, max ${retries.at(-1)!.retries}, activities per run ${describe(retries)}`,
    );
    console.log(`    each run: ${retries.map((r) => r.retries).join(' ')}`);
  }
}

async function settle(handle: WorkflowHandle, started: number): Promise<{ handle: WorkflowHandle; ok: boolean; ms: number }> {
  const ok = await handle.result().then(
    () => true,
    (error: unknown) => {
      console.log(`  ${handle.workflowId} FAILED: ${(error as { cause?: Error }).cause?.message ?? String(error)}`);
      return false;
    },
  );
  return { handle, ok, ms: performance.now() - started };
}

const median = (sorted: number[]) => sorted[Math.floor(sorted.length / 2)] ?? 0;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const describe = (all: RunRetries[]) => `${Math.min(...all.map((r) => r.activities))}-${Math.max(...all.map((r) => r.activities))}`;

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
