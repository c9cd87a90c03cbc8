// How fast the support queue answers with many runs waiting for MFA: the visibility query plus one
// progress query per run. Starts its own dev server, sandbox and worker, puts N runs (default 50) in
// MFA, then times listWaitingRuns in-process, the support page's queue, and the CLI as a process.
// Target: the queue in under 2 s at 50 waiting runs, so an agent on a call never waits for it.
// Run: npx tsx bench/support-pending.ts [runs]
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { createActivities, systemClock } from '../activities';
import { loadConfig, SANDBOX_API_KEY, SANDBOX_CLIENT_ID } from '../src/config';
import { createMxClient } from '../src/mx/client';
import { startSandbox } from '../src/sandbox/server';
import { createLocalStorage } from '../src/storage/local';
import { listWaitingRuns, WAITING_FOR_MFA } from '../src/support/runs';
import { startSupportWeb } from '../src/support/web';
import { loadDataConverter, loadWorkerDataConverter } from '../src/temporal/data-converter';
import { loadOpener } from '../src/temporal/seal-keys';
import { startDevServer } from '../src/temporal/dev-server';
import { freePort } from '../src/temporal/ports';
import { buildWorkflowBundle } from '../src/worker/bundle';
import { createWorker } from '../src/worker/create-worker';

const runs = Number(process.argv[2] ?? 50);
const TARGET_MS = 2_000;
const ROUNDS = 5;

async function main(): Promise<void> {
  const workDir = mkdtempSync(join(tmpdir(), 'support-bench-'));
  const [server, sandbox, bundle] = await Promise.all([
    startDevServer({ port: await freePort() }),
    startSandbox({ port: 0, jobDurationMs: 200 }),
    buildWorkflowBundle(),
  ]);
  const env = {
    ...process.env,
    TEMPORAL_ADDRESS: server.address,
    PAYLOAD_CODEC_KEY: randomBytes(32).toString('base64'),
    DATA_DIR: workDir,
  };
  const config = loadConfig(env);
  const dataConverter = await loadDataConverter(config);
  const connection = await Connection.connect({ address: server.address });
  const native = await NativeConnection.connect({ address: server.address });
  const client = new Client({ connection, dataConverter });
  const mx = createMxClient({ baseUrl: sandbox.url, clientId: SANDBOX_CLIENT_ID, apiKey: SANDBOX_API_KEY, timeoutMs: 5_000 });
  const worker = await createWorker({
    connection: native,
    namespace: 'default',
    taskQueue: 'bench',
    activities: createActivities({
      mx,
      storage: createLocalStorage(join(workDir, 'storage')),
      clock: systemClock,
      secrets: loadOpener(config),
    }),
    workflowBundle: { code: bundle.code },
    dataConverter: await loadWorkerDataConverter(config),
    shutdownGraceTime: 1_000,
  });
  const running = worker.run();
  try {
    await Promise.all(
      Array.from({ length: runs }, (_, i) =>
        client.workflow.start('fetchAccountData', {
          taskQueue: 'bench',
          workflowId: `fetch-account-data-user${i}-mxbank`,
          args: [
            {
              userId: `user${i}`,
              institutionCode: 'mxbank',
              credentials: { username: 'mxuser', password: 'challenge' },
              polling: { initialInterval: '200ms' },
              mfa: { timeout: '10m' },
            },
          ],
        }),
      ),
    );
    const queuedAt = performance.now();
    while ((await client.workflow.count(WAITING_FOR_MFA)).count < runs) await new Promise((r) => setTimeout(r, 200));
    console.log(`${runs} runs waiting for MFA after ${Math.round(performance.now() - queuedAt)} ms`);

    const inProcess = await timeRounds(async () => {
      const listed = await listWaitingRuns(client);
      if (listed.length !== runs || listed.some((run) => !run.progress))
        throw new Error(`listed ${listed.length} runs, some without progress`);
    });
    report('listWaitingRuns (in-process)', inProcess);

    const web = await startSupportWeb({ client, host: '127.0.0.1', port: 0, token: randomBytes(16).toString('hex') });
    const login = await fetch(web.loginUrl);
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    report(
      'support page GET / (HTML)',
      await timeRounds(async () => {
        const page = await fetch(`${web.url}/`, { headers: { cookie } });
        if (page.status !== 200) throw new Error(`support page answered ${page.status}`);
        await page.text();
      }),
    );
    await web.close();

    const started = performance.now();
    const { stdout } = await promisify(execFile)('npx', ['tsx', 'src/cmd/support.ts', 'pending', '--json'], { env });
    const cliMs = performance.now() - started;
    if ((JSON.parse(stdout) as unknown[]).length !== runs) throw new Error('the CLI listed a different number of runs');
    console.log(`npm run support -- pending --json (new process, incl. tsx start-up): ${Math.round(cliMs)} ms`);
  } finally {
    await Promise.all(
      Array.from({ length: runs }, (_, i) =>
        client.workflow
          .getHandle(`fetch-account-data-user${i}-mxbank`)
          .terminate()
          .catch(() => undefined),
      ),
    );
    worker.shutdown();
    await running;
    await native.close();
    await connection.close();
    await sandbox.close();
    await server.stop();
    rmSync(workDir, { recursive: true, force: true });
  }
}

async function timeRounds(fn: () => Promise<void>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const started = performance.now();
    await fn();
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b);
}

function report(what: string, sortedMs: number[]): void {
  const median = sortedMs[Math.floor(sortedMs.length / 2)]!;
  const max = sortedMs.at(-1)!;
  console.log(
    `${what}, ${runs} runs: median ${Math.round(median)} ms, max ${Math.round(max)} ms over ${ROUNDS} rounds (target < ${TARGET_MS} ms): ${max < TARGET_MS ? 'OK' : 'OVER TARGET'}`,
  );
}

main().catch((err: unknown) => {
  console.error(`bench failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
