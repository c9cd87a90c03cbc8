// How late a run notices that MX finished its job, and how many status reads it spends, with polling only
// (the guide's backoff: 3 s, x1.5, capped at 30 s) and with MX webhooks (the receiver wakes the run; a
// 90 s fallback poll stays). Same jobs, same machine, one run, figures side by side.
// Job end: the sandbox's successfully_aggregated_at (exact ms). Noticed: the history time at which the
// status read that saw the job done completed.
// Run: npx tsx bench/webhooks.ts            (20 jobs per mode: 5 each of 3, 10, 25 and 50 s; ~3 minutes)
//      BENCH_JOBS_PER_DURATION=2 npx tsx bench/webhooks.ts   (quicker, 8 jobs per mode)
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Runtime, DefaultLogger } from '@temporalio/worker';
import { createActivities, systemClock } from '../activities';
import { SANDBOX_API_KEY, SANDBOX_CLIENT_ID } from '../src/config';
import { createMxClient } from '../src/mx/client';
import { startSandbox, type Sandbox } from '../src/sandbox/server';
import { createLocalStorage } from '../src/storage/local';
import { startDevServer } from '../src/temporal/dev-server';
import { freePort } from '../src/temporal/ports';
import { BackgroundAggregationLog } from '../src/webhooks/background';
import { startWebhookReceiver } from '../src/webhooks/server';
import { createWorker } from '../src/worker/create-worker';
import type { RunManifest } from '../workflows/manifest';

const DURATIONS_S = [3, 10, 25, 50];
const PER_DURATION = Number(process.env.BENCH_JOBS_PER_DURATION ?? 5);
const FALLBACK_MS = 90_000;
const CREDENTIALS = { username: 'bench', password: 'bench-webhook-password-123' };
Runtime.install({ logger: new DefaultLogger('WARN') });

interface Sample {
  jobS: number;
  /** Job end to the run's first message after it: the receiver's signal (webhooks), or its timer firing. */
  wokenAfterMs: number;
  noticedAfterMs: number;
  reads: number;
}

const dir = mkdtempSync(join(tmpdir(), 'bench-webhooks-'));
const server = await startDevServer({ port: await freePort() });
const connection = await Connection.connect({ address: server.address });
const client = new Client({ connection });
const native = await NativeConnection.connect({ address: server.address });
const bundlePath = join(dir, 'workflow-bundle.js');
writeFileSync(
  bundlePath,
  (await bundleWorkflowCode({ workflowsPath: resolve('workflows/index.ts'), logger: new DefaultLogger('WARN') })).code,
);

async function runMode(webhooks: boolean): Promise<Sample[]> {
  const receiver = webhooks
    ? await startWebhookReceiver({
        port: 0,
        credentials: CREDENTIALS,
        client,
        background: new BackgroundAggregationLog(join(dir, 'bg.jsonl')),
        log: () => undefined,
      })
    : undefined;
  const stops: (() => Promise<void>)[] = [];
  const queues: { sandbox: Sandbox; taskQueue: string; jobS: number }[] = [];
  for (const jobS of DURATIONS_S) {
    // A seed per sandbox: MX guids are unique, and the receiver finds runs by member guid across all of them.
    const sandbox = await startSandbox({
      port: 0,
      seed: jobS + (webhooks ? 1000 : 0),
      jobDurationMs: jobS * 1000,
      webhookUrl: receiver?.url,
      webhookAuth: CREDENTIALS,
    });
    const taskQueue = `bench-${webhooks ? 'webhooks' : 'polling'}-${jobS}`;
    const mx = createMxClient({ baseUrl: sandbox.url, clientId: SANDBOX_CLIENT_ID, apiKey: SANDBOX_API_KEY, timeoutMs: 10_000 });
    const worker = await createWorker({
      connection: native,
      namespace: 'default',
      taskQueue,
      activities: createActivities({
        mx,
        storage: createLocalStorage(join(dir, taskQueue)),
        clock: systemClock,
        events: { webhooks, fallbackIntervalMs: FALLBACK_MS },
      }),
      workflowBundle: { codePath: bundlePath },
      shutdownGraceTime: 1_000,
    });
    const running = worker.run();
    stops.push(async () => {
      worker.shutdown();
      await running;
      await sandbox.close();
    });
    queues.push({ sandbox, taskQueue, jobS });
  }
  try {
    // Every worker is up (loading the bundle costs CPU) before the first job starts.
    return await Promise.all(
      queues.flatMap(({ sandbox, taskQueue, jobS }) => Array.from({ length: PER_DURATION }, (_, i) => oneRun(sandbox, taskQueue, jobS, i))),
    );
  } finally {
    for (const stop of stops) await stop();
    await receiver?.close();
  }
}

async function oneRun(sandbox: Sandbox, taskQueue: string, jobS: number, i: number): Promise<Sample> {
  const handle = await client.workflow.start('fetchAccountData', {
    taskQueue,
    workflowId: `${taskQueue}-${i}-${Date.now()}`,
    args: [{ userId: `${taskQueue}-${i}`, institutionCode: 'mxbank', credentials: { username: 'mxuser', password: 'password' } }],
  });
  const manifest = (await handle.result()) as RunManifest;
  const member = (await sandboxGet(sandbox, `/users/${manifest.user.guid}/members/${manifest.member.guid}`)) as {
    member: { successfully_aggregated_at: string };
  };
  const jobEnd = Date.parse(member.member.successfully_aggregated_at);
  const { wokenAt, readAt } = await lastStatusRead(handle.workflowId);
  return { jobS, wokenAfterMs: wokenAt - jobEnd, noticedAfterMs: readAt - jobEnd, reads: manifest.attempts.polls };
}

async function sandboxGet(sandbox: Sandbox, path: string): Promise<unknown> {
  const response = await fetch(new URL(path, sandbox.url), {
    headers: {
      authorization: `Basic ${Buffer.from(`${SANDBOX_CLIENT_ID}:${SANDBOX_API_KEY}`).toString('base64')}`,
      accept: 'application/vnd.mx.api.v1+json',
      'accept-version': 'v20111101',
    },
  });
  return await response.json();
}

/**
 * By the server's clock: when the last readMemberStatus (the one that saw the job done) completed, and
 * when what led to it arrived (the signal or the timer just before it was scheduled).
 */
async function lastStatusRead(workflowId: string): Promise<{ wokenAt: number; readAt: number }> {
  const events = (await client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
  const at = (e: (typeof events)[number] | undefined) =>
    Number(e?.eventTime?.seconds ?? NaN) * 1000 + Math.floor((e?.eventTime?.nanos ?? 0) / 1e6);
  const scheduled = events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'readMemberStatus');
  const last = scheduled.at(-1);
  const done = events.find((e) => Number(e.activityTaskCompletedEventAttributes?.scheduledEventId ?? -1) === Number(last?.eventId));
  if (!last || !done) throw new Error(`${workflowId}: no status read completed`);
  const before = events.filter((e) => Number(e.eventId) < Number(last.eventId));
  const cause = before.findLast((e) => e.workflowExecutionSignaledEventAttributes || e.timerFiredEventAttributes);
  return { wokenAt: at(cause), readAt: at(done) };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const ms = (value: number) => (value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`);

function report(label: string, samples: Sample[]): string[] {
  const lags = samples.map((s) => s.noticedAfterMs);
  const woken = samples.map((s) => s.wokenAfterMs);
  const reads = samples.map((s) => s.reads);
  const perJob = DURATIONS_S.map((jobS) => {
    const of = samples.filter((s) => s.jobS === jobS);
    return `${jobS}s: ${ms(median(of.map((s) => s.noticedAfterMs)))}/${median(of.map((s) => s.reads))}`;
  });
  return [
    `${label.padEnd(16)} ${String(samples.length).padStart(4)}  ${ms(median(woken)).padStart(11)}  ${ms(median(lags)).padStart(9)}  ${ms(Math.max(...lags)).padStart(9)}  ${String(median(reads)).padStart(10)}  ${String(Math.max(...reads)).padStart(9)}   ${perJob.join('  ')}`,
  ];
}

try {
  console.log(
    `Jobs per mode: ${PER_DURATION} each of ${DURATIONS_S.join(', ')} s, all at once; webhooks mode polls every ${FALLBACK_MS / 1000} s as the fallback.`,
  );
  const polling = await runMode(false);
  const webhooks = await runMode(true);
  console.log(
    `${'mode'.padEnd(16)} jobs  woken median  lag median   lag max  reads med  reads max   per job length: median lag / median reads`,
  );
  for (const line of [...report('polling only', polling), ...report('webhooks', webhooks)]) console.log(line);
} finally {
  await native.close();
  await connection.close();
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
