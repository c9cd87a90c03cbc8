// A run waiting for MFA while the sandbox restarts (as `npm start` restarts it) continues: the sandbox
// keeps its state in a file, and the answer given after the restart connects the member.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Worker } from '@temporalio/worker';
import { createActivities, systemClock } from '../../activities';
import { SANDBOX_API_KEY, SANDBOX_CLIENT_ID } from '../../src/config';
import { createMxClient } from '../../src/mx/client';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/server';
import { createLocalStorage } from '../../src/storage/local';
import { freePort } from '../../src/temporal/ports';
import { createWorker } from '../../src/worker/create-worker';
import type { RunManifest } from '../../workflows/manifest';
import { answerMfaUpdate } from '../../workflows/messages';
import { connectToTestServer, uniqueName, workflowBundlePath, type TemporalTestContext } from '../helpers/temporal';
import { awaitingMfa, FAST, JOB_DURATION_MS, waitForProgress } from './guide-env';

describe('a run waiting for MFA across a sandbox restart', () => {
  let temporal: TemporalTestContext;
  let worker: Worker;
  let running: Promise<void>;
  let sandbox: Sandbox;
  let sandboxOptions: SandboxOptions;
  const dir = mkdtempSync(join(tmpdir(), 'sandbox-restart-'));
  const taskQueue = uniqueName('restart');

  beforeAll(async () => {
    temporal = await connectToTestServer();
    sandboxOptions = {
      port: await freePort(),
      jobDurationMs: JOB_DURATION_MS,
      challengeExpiryMs: 60_000,
      stateFile: join(dir, 'state.json'),
    };
    sandbox = await startSandbox(sandboxOptions);
    const mx = createMxClient({ baseUrl: sandbox.url, clientId: SANDBOX_CLIENT_ID, apiKey: SANDBOX_API_KEY, timeoutMs: 5_000 });
    worker = await createWorker({
      connection: temporal.nativeConnection,
      namespace: 'default',
      taskQueue,
      activities: createActivities({ mx, storage: createLocalStorage(join(dir, 'storage')), clock: systemClock }),
      workflowBundle: { codePath: workflowBundlePath() },
      shutdownGraceTime: 1_000,
    });
    running = worker.run();
  });
  afterAll(async () => {
    worker?.shutdown();
    await running;
    await sandbox?.close();
    await temporal?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('takes the answer after the restart and completes', { timeout: 90_000 }, async () => {
    const userId = uniqueName('restart-user');
    const handle = await temporal.client.workflow.start('fetchAccountData', {
      taskQueue,
      workflowId: uniqueName(`fetch-account-data-${userId}-mxbank`),
      args: [{ userId, institutionCode: 'mxbank', credentials: { username: 'mxuser', password: 'challenge' }, ...FAST }],
    });
    const waiting = await waitForProgress(handle, awaitingMfa);
    const challenge = waiting.mfa.challenges[0]!;

    await sandbox.close();
    sandbox = await startSandbox(sandboxOptions);

    const answered = await handle.executeUpdate(answerMfaUpdate, { args: [{ answers: [{ guid: challenge.guid, value: 'correct' }] }] });
    expect(answered.outcome).toBe('CONNECTED');
    const manifest = (await handle.result()) as RunManifest;
    expect(manifest.member.guid).toBe(waiting.memberGuid);
    expect(manifest.accounts!.count).toBeGreaterThan(0);
  });
});
