// The guides on a real Temporal cluster: the Temporal server (built from source, v1.32.2) on PostgreSQL 15,
// set up by the project's own deploy/temporal scripts and configured from docker-compose.yml (helpers/cluster.ts).
// Three worker processes share one task queue and one storage (helpers/shared-storage.ts); 100 runs of both
// guides, a third of them asking MFA (answered by update, found through the search attribute); one worker is
// SIGKILLed while it holds an activity. Asserted: every run completes, every stored PDF hashes to what the
// manifest and MX say, every stored file belongs to exactly one run's manifest (no duplicate export or
// statement, no partial file), each run made exactly one member, and the stored manifest is the result.
// Run: npm run test:cluster (builds the server once; CLUSTER_RUNS=n for another number of runs).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { temporal as proto } from '@temporalio/proto';
import { loadConfig, SANDBOX_API_KEY, SANDBOX_CLIENT_ID } from '../../src/config';
import { startSandbox, type Sandbox } from '../../src/sandbox/server';
import { loadDataConverter } from '../../src/temporal/data-converter';
import { freePort } from '../../src/temporal/ports';
import { buildWorkflowBundle } from '../../src/worker/bundle';
import type { RunManifest } from '../../workflows/manifest';
import { type Cluster, setupPostgres, startCluster } from './helpers/cluster';
import { postgresBinDir } from './helpers/postgres';
import { answerMfaWhileRunning, type GuideRun, startGuideRun } from './helpers/guide-runs';
import { type SharedStorage, startSharedStorage } from './helpers/shared-storage';
import { startWorkerProcess, type WorkerProcess } from './helpers/worker-process';

const RUNS = Number(process.env.CLUSTER_RUNS ?? 100);
const WORKERS = 3;
const STARTED = proto.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED;

let cluster: Cluster;
let sandbox: Sandbox;
let shared: SharedStorage;
let scratch: string;
let connection: Connection;
let client: Client;
let workerEnv: Record<string, string>;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'mx-cluster-test-'));
  const bundlePath = join(scratch, 'workflow-bundle.js');
  const [started, bundle] = await Promise.all([startCluster(), buildWorkflowBundle()]);
  cluster = started;
  await writeFile(bundlePath, bundle.code);
  sandbox = await startSandbox({ port: 0, jobDurationMs: 400, challengeExpiryMs: 10 * 60_000 });
  shared = await startSharedStorage();
  workerEnv = {
    TEMPORAL_ADDRESS: cluster.address,
    TEMPORAL_NAMESPACE: cluster.namespace,
    TEMPORAL_TASK_QUEUE: `cluster-${randomBytes(4).toString('hex')}`,
    MX_BASE_URL: sandbox.url,
    MX_CLIENT_ID: SANDBOX_CLIENT_ID,
    MX_API_KEY: SANDBOX_API_KEY,
    DATA_DIR: join(scratch, 'data'),
    PAYLOAD_CODEC_KEY: randomBytes(32).toString('base64'),
    WORKFLOW_BUNDLE_PATH: bundlePath,
    WORKER_SHUTDOWN_GRACE_MS: '2000',
    LOG_LEVEL: 'WARN',
    ...shared.workerEnv,
  };
  connection = await Connection.connect({ address: cluster.address });
  client = new Client({ connection, namespace: cluster.namespace, dataConverter: await loadDataConverter(loadConfig(workerEnv)) });
  for (let i = 1; i <= WORKERS; i++) workers.push(await startWorkerProcess(workerEnv, `worker ${i}`));
  console.log(
    `[cluster] PostgreSQL up in ${cluster.startupMs.postgres} ms, schemas (setup-postgres.sh) in ${cluster.startupMs.schema} ms, ` +
      `server healthy with namespace and search attributes (setup-namespace.sh) in ${cluster.startupMs.server} ms; ${WORKERS} workers polling`,
  );
}, 300_000);

afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  await connection?.close();
  await sandbox?.close();
  await cluster?.stop();
  await shared?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
}, 120_000);

describe(`${RUNS} guide runs on a Temporal cluster on PostgreSQL, three worker processes, one SIGKILLed`, () => {
  it('completes every run once, with verified files and one member each', async () => {
    const startedAt = Date.now();
    const mfa = answerMfaWhileRunning(client, workerEnv.TEMPORAL_TASK_QUEUE!);
    const runs: GuideRun[] = [];
    for (let i = 0; i < RUNS; i++) {
      const type = i % 2 === 0 ? 'fetchAccountData' : 'fetchStatements';
      runs.push(
        await startGuideRun(client, workerEnv.TEMPORAL_TASK_QUEUE!, type, `cluster-${i}-${randomBytes(3).toString('hex')}`, i % 3 === 0),
      );
    }
    let completed = 0;
    const results = runs.map((run) => run.handle.result().then((r) => (completed++, r as RunManifest)));
    results.forEach((r) => r.catch(() => undefined));

    // Mid-run: a quarter of the runs are done, and a worker holds an activity of one still running.
    const victim = await waitFor(
      async () => {
        if (completed < RUNS / 4) return null;
        for (const run of runs.slice(-RUNS / 2)) {
          const held = await heldActivities(run);
          const victim = workers.find((w) => held.some((a) => a.identity.startsWith(w.identityPrefix)));
          if (victim) return victim;
        }
        return null;
      },
      240_000,
      200,
    );
    victim.child.kill('SIGKILL');
    const killedAt = Date.now();
    const completedAtKill = completed;
    // What the server still sees the dead worker running: the activities the kill cut.
    const cut = (
      await Promise.all(
        runs.map(async (run) =>
          (await heldActivities(run))
            .filter((a) => a.identity.startsWith(victim.identityPrefix))
            .map((a) => ({ run, activityId: a.activityId })),
        ),
      )
    ).flat();

    const manifests = await Promise.all(results);
    const doneMs = Date.now() - startedAt;
    await mfa.stop();
    console.log(
      `[cluster] ${RUNS} runs (${runs.filter((r) => r.mfa).length} with MFA) done in ${doneMs} ms; worker ${victim.child.pid} SIGKILLed ` +
        `after ${completedAtKill} runs had completed, cutting ${cut.length} activities; last run done ${Date.now() - killedAt} ms after the kill`,
    );

    // Every run completed, and the MFA runs were answered once each, through the update.
    expect(manifests).toHaveLength(RUNS);
    for (const [i, run] of runs.entries()) {
      const manifest = manifests[i]!;
      expect(manifest.workflowId).toBe(run.handle.workflowId);
      expect(manifest.user.id).toBe(run.userId);
      expect(manifest.attempts.mfaRounds, run.handle.workflowId).toBe(run.mfa ? 1 : 0);
      if (run.mfa) expect(mfa.answers.get(run.handle.workflowId)?.map((a) => a.outcome)).toEqual(['CONNECTED']);
    }
    // Every activity the kill cut was retried and finished on another worker.
    expect(cut.length).toBeGreaterThan(0);
    for (const { run, activityId } of cut) {
      const finishedBy = await startedEventOf(run, activityId);
      expect(finishedBy.identity.startsWith(victim.identityPrefix), `${activityId} of ${run.handle.workflowId}`).toBe(false);
      expect(finishedBy.attempt).toBeGreaterThanOrEqual(2);
    }

    await expectStorageHoldsExactlyTheManifests(manifests);
    await expectOneMemberPerRun(manifests);
  }, 600_000);
});

describe('deploy/temporal/setup-postgres.sh', () => {
  it("is safe to run again on a set-up database (a compose restart): the schemas stay at the release's versions", async () => {
    expect((await setupPostgres(cluster.postgres)).stdout).toContain('Temporal schemas are up to date');
    // go.temporal.io/server@v1.32.2 schema/postgresql/v12/version.go: Version "1.19", VisibilityVersion "1.14".
    expect(await schemaVersion('temporal')).toBe('1.19');
    expect(await schemaVersion('temporal_visibility')).toBe('1.14');
  });

  it('fails, naming the problem, when PostgreSQL is not there', async () => {
    const error = await setupPostgres({ host: '127.0.0.1', port: await freePort() }).then(
      () => null,
      (err: Error & { stdout: string; stderr: string }) => err,
    );
    expect(error).not.toBeNull();
    expect(error!.stdout).not.toContain('up to date');
    expect(`${error!.stdout}${error!.stderr}`).toMatch(/connection refused/i);
  });
});

async function schemaVersion(database: string): Promise<string> {
  const { stdout } = await promisify(execFile)(
    join(postgresBinDir(), 'psql'),
    [
      '-h',
      cluster.postgres.host,
      '-p',
      String(cluster.postgres.port),
      '-U',
      'temporal',
      '-d',
      database,
      '-tAc',
      'SELECT curr_version FROM schema_version',
    ],
    { env: { PATH: process.env.PATH ?? '' } },
  );
  return stdout.trim();
}

/** Every stored key is named by exactly one manifest, and every named key is stored and verifies. */
async function expectStorageHoldsExactlyTheManifests(manifests: RunManifest[]): Promise<void> {
  const named: string[] = [];
  for (const manifest of manifests) {
    named.push(manifest.manifestKey);
    const stored = JSON.parse(await text(shared.storage.read(manifest.manifestKey))) as RunManifest;
    expect(stored).toEqual(manifest);
    if (manifest.guide === 'fetchAccountData') {
      const accounts = manifest.accounts!;
      named.push(accounts.accountsKey, accounts.transactionsKey);
      const lines = (await text(shared.storage.read(accounts.transactionsKey))).trim().split('\n');
      expect(lines.length).toBe(accounts.transactionCount);
      expect(accounts.transactionCount).toBeGreaterThan(0);
      expect(new Set(lines.map((l) => (JSON.parse(l) as { guid: string }).guid)).size).toBe(lines.length);
    } else {
      const files = manifest.statements!.files;
      expect(files.length).toBe(manifest.statements!.count);
      expect(files.length).toBeGreaterThan(0);
      expect(new Set(files.map((f) => f.guid)).size).toBe(files.length);
      for (const file of files) {
        named.push(file.key);
        expect(file.sha256).toBe(file.contentHash);
        expect(await shared.storage.sha256(file.key)).toBe(file.sha256);
      }
    }
  }
  expect(new Set(named).size).toBe(named.length);
  expect((await shared.listKeys()).sort()).toEqual(named.sort());
}

/** The sandbox holds one member for each run's user: no retry after the kill created a second one. */
async function expectOneMemberPerRun(manifests: RunManifest[]): Promise<void> {
  const authorization = `Basic ${Buffer.from(`${SANDBOX_CLIENT_ID}:${SANDBOX_API_KEY}`).toString('base64')}`;
  for (const manifest of manifests) {
    const response = await fetch(new URL(`/users/${manifest.user.guid}/members`, sandbox.url), {
      headers: { authorization, accept: 'application/vnd.mx.api.v1+json', 'accept-version': 'v20111101' },
    });
    expect(response.status).toBe(200);
    const { members } = (await response.json()) as { members: { guid: string }[] };
    expect(
      members.map((m) => m.guid),
      manifest.workflowId,
    ).toEqual([manifest.member.guid]);
  }
}

/** The activities of a run that a worker has started and not finished, as the server sees them. */
async function heldActivities(run: GuideRun): Promise<{ activityId: string; identity: string }[]> {
  const { raw } = await run.handle.describe();
  return (raw.pendingActivities ?? [])
    .filter((a) => a.state === STARTED)
    .map((a) => ({ activityId: a.activityId!, identity: a.lastWorkerIdentity ?? '' }));
}

/** Which worker ran the last attempt of an activity, and which attempt it was (the started event records the last one). */
async function startedEventOf(run: GuideRun, activityId: string): Promise<{ identity: string; attempt: number }> {
  const events = (await run.handle.fetchHistory()).events ?? [];
  const scheduled = events.find((e) => e.activityTaskScheduledEventAttributes?.activityId === activityId);
  const started = events.find(
    (e) => Number(e.activityTaskStartedEventAttributes?.scheduledEventId ?? -1) === Number(scheduled?.eventId ?? -2),
  );
  if (!started) throw new Error(`no started event for activity ${activityId} in ${run.handle.workflowId}`);
  return {
    identity: started.activityTaskStartedEventAttributes!.identity ?? '',
    attempt: started.activityTaskStartedEventAttributes!.attempt ?? 0,
  };
}

async function waitFor<T>(probe: () => Promise<T | null>, timeoutMs: number, everyMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => null);
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`gave up after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
