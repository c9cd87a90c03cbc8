// Everything a guide test runs on, all real: the shared Temporal dev server, the MX sandbox on a loopback
// port, the real activities over HTTP, local storage in a temporary directory, and a worker on its own
// task queue running the prebuilt workflow bundle.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkflowFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { Worker } from '@temporalio/worker';
import { createActivities, systemClock } from '../../activities';
import { SANDBOX_API_KEY, SANDBOX_CLIENT_ID } from '../../src/config';
import { createMxClient } from '../../src/mx/client';
import type { MxApiVersion } from '../../src/mx/versions';
import { startSandbox, type Sandbox } from '../../src/sandbox/server';
import { createLocalStorage } from '../../src/storage/local';
import { createWorker } from '../../src/worker/create-worker';
import type { GuideInput } from '../../workflows/input';
import type { RunManifest } from '../../workflows/manifest';
import { progressQuery, type Progress, type WorkflowTypeName } from '../../workflows/messages';
import { connectToTestServer, uniqueName, workflowBundlePath, type TemporalTestContext } from '../helpers/temporal';

/** Fast but honest: MX's 3 s minimum becomes 100 ms, a job takes 400 ms in the sandbox. */
export const FAST = {
  polling: { initialInterval: '100ms', maxInterval: '400ms', deadline: '60s' },
  mfa: { timeout: '30s' },
  retries: { endStates: 1, conflictInterval: '200ms' },
} satisfies Partial<GuideInput>;

export const JOB_DURATION_MS = 400;

export interface GuideEnv {
  client: Client;
  temporal: TemporalTestContext;
  sandboxUrl: string;
  sandbox: Sandbox;
  storageDir: string;
  taskQueue: string;
  start(type: WorkflowTypeName, input: Partial<GuideInput> & { password?: string }): Promise<WorkflowHandle>;
  sandboxGet<T>(path: string): Promise<T>;
  sandboxPost(path: string): Promise<void>;
  /** A JSON PUT to the sandbox as MX's API (e.g. new credentials for a member, as another client would send). */
  sandboxPut(path: string, body: unknown): Promise<void>;
  close(): Promise<void>;
}

export async function startGuideEnv(
  options: { challengeExpiryMs?: number; jobDurationMs?: number; apiVersion?: MxApiVersion; transactionsPerAccount?: number } = {},
): Promise<GuideEnv> {
  const apiVersion = options.apiVersion ?? 'v20111101';
  const temporal = await connectToTestServer();
  const sandbox = await startSandbox({
    port: 0,
    jobDurationMs: options.jobDurationMs ?? JOB_DURATION_MS,
    challengeExpiryMs: options.challengeExpiryMs ?? 60_000,
    transactionsPerAccount: options.transactionsPerAccount,
  });
  const storageDir = mkdtempSync(join(tmpdir(), 'mx-guides-'));
  const taskQueue = uniqueName('guides');
  const mx = createMxClient({ baseUrl: sandbox.url, clientId: SANDBOX_CLIENT_ID, apiKey: SANDBOX_API_KEY, timeoutMs: 5_000, apiVersion });
  const worker: Worker = await createWorker({
    connection: temporal.nativeConnection,
    namespace: 'default',
    taskQueue,
    activities: createActivities({ mx, storage: createLocalStorage(storageDir), clock: systemClock }),
    workflowBundle: { codePath: workflowBundlePath() },
    shutdownGraceTime: 1_000,
  });
  const running = worker.run();
  const auth = `Basic ${Buffer.from(`${SANDBOX_CLIENT_ID}:${SANDBOX_API_KEY}`).toString('base64')}`;
  const sandboxCall = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(new URL(path, sandbox.url), {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        authorization: auth,
        accept: apiVersion === 'v20111101' ? 'application/vnd.mx.api.v1+json' : 'application/json',
        'accept-version': apiVersion,
      },
    });
    if (!response.ok) throw new Error(`sandbox ${method} ${path}: ${response.status} ${await response.text()}`);
    return response;
  };

  return {
    client: temporal.client,
    temporal,
    sandboxUrl: sandbox.url,
    sandbox,
    storageDir,
    taskQueue,
    async start(type, { password, ...input }) {
      const userId = input.userId ?? uniqueName('user');
      const body: GuideInput = {
        userId,
        institutionCode: 'mxbank',
        credentials: { username: 'mxuser', password: password ?? 'password' },
        ...FAST,
        ...input,
      };
      const prefix = type === 'fetchAccountData' ? 'fetch-account-data' : 'fetch-statements';
      return await temporal.client.workflow.start(type, {
        taskQueue,
        workflowId: uniqueName(`${prefix}-${userId}-mxbank`),
        args: [body],
      });
    },
    async sandboxGet<T>(path: string): Promise<T> {
      return (await (await sandboxCall('GET', path)).json()) as T;
    },
    async sandboxPost(path: string): Promise<void> {
      await sandboxCall('POST', path);
    },
    async sandboxPut(path: string, body: unknown): Promise<void> {
      await sandboxCall('PUT', path, body);
    },
    async close() {
      worker.shutdown();
      await running;
      await sandbox.close();
      await temporal.close();
      rmSync(storageDir, { recursive: true, force: true });
    },
  };
}

export async function progressOf(handle: WorkflowHandle): Promise<Progress> {
  return await handle.query(progressQuery);
}

/** Polls the progress query until `predicate` holds (queries are served by the worker, no history). */
export async function waitForProgress(
  handle: WorkflowHandle,
  predicate: (p: Progress) => boolean,
  timeoutMs = 20_000,
  everyMs = 100,
): Promise<Progress> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const progress = await progressOf(handle).catch(() => undefined);
    if (progress && predicate(progress)) return progress;
    if (Date.now() > deadline) throw new Error(`Timed out waiting; last progress: ${JSON.stringify(progress)}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export const awaitingMfa = (p: Progress) => p.mfa.awaiting;

/** The run's failure: the named outcome (type) and its message. */
export async function failureOf(handle: WorkflowHandle): Promise<ApplicationFailure> {
  try {
    await handle.result();
  } catch (err) {
    if (err instanceof WorkflowFailedError && err.cause instanceof ApplicationFailure) return err.cause;
    throw err;
  }
  throw new Error('The run completed, but a failure was expected.');
}

export async function resultOf(handle: WorkflowHandle): Promise<RunManifest> {
  return (await handle.result()) as RunManifest;
}

/**
 * With RECORD_HISTORIES=1, saves the run's history as test/histories/<name>.json for the replay test
 * (`RECORD_HISTORIES=1 npx vitest run test/workflows` re-records them all).
 */
export async function recordHistory(handle: WorkflowHandle, name: string): Promise<void> {
  if (process.env.RECORD_HISTORIES !== '1') return;
  const history = await handle.fetchHistory();
  // Stack traces name files by absolute path: keep them relative, so a history says nothing of this machine.
  const json = historyToJSON(history).replaceAll(`${process.cwd()}/`, '');
  writeFileSync(`test/histories/${name}.json`, `${JSON.stringify(JSON.parse(json), null, 1)}\n`);
}
