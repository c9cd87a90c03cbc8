// What the support tool's "done" tests run on, all real: the shared Temporal dev server, the MX sandbox
// on a loopback port, the real activities, and a worker on its own task queue. Worker and client use
// the project's payload codec with a key of their own, which the CLI process is given too.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, type WorkflowHandle } from '@temporalio/client';
import { loadConfig } from '../../../src/config';
import { type Sandbox, startSandbox } from '../../../src/sandbox/server';
import { loadDataConverter } from '../../../src/temporal/data-converter';
import { MxAwaitingMfa, type Progress, progressQuery } from '../../../workflows/messages';
import { startProjectWorker } from '../../helpers/project-worker';
import { connectToTestServer, uniqueName } from '../../helpers/temporal';

export type MxBankPassword = 'challenge' | 'options' | 'image' | 'password';

export interface SupportEnv {
  /** A client with the codec, as the support tool has. */
  client: Client;
  sandbox: Sandbox;
  address: string;
  /** The environment for a support CLI process talking to this server with this codec key. */
  cliEnv: NodeJS.ProcessEnv;
  /** Starts fetchAccountData for a new user at MX Bank with `password` choosing the MFA challenge. */
  startRun(password: MxBankPassword, userPrefix?: string): Promise<WorkflowHandle>;
  close(): Promise<void>;
}

export async function startSupportEnv(): Promise<SupportEnv> {
  const temporal = await connectToTestServer();
  const sandbox = await startSandbox({ port: 0, jobDurationMs: 400, challengeExpiryMs: 180_000 });
  const workDir = mkdtempSync(join(tmpdir(), 'mx-support-'));
  const codecKey = randomBytes(32).toString('base64');
  const cliEnv = {
    ...process.env,
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_NAMESPACE: 'default',
    PAYLOAD_CODEC_KEY: codecKey,
    DATA_DIR: workDir,
  };
  const config = loadConfig(cliEnv);
  const dataConverter = await loadDataConverter(config);
  const client = new Client({ connection: temporal.client.connection, dataConverter });
  const taskQueue = uniqueName('support');
  const worker = await startProjectWorker({ temporal, config, sandboxUrl: sandbox.url, storageDir: join(workDir, 'storage'), taskQueue });
  const started: WorkflowHandle[] = [];

  return {
    client,
    sandbox,
    address: temporal.address,
    cliEnv,
    async startRun(password, userPrefix = 'user') {
      const userId = uniqueName(userPrefix);
      const handle = await client.workflow.start('fetchAccountData', {
        taskQueue,
        workflowId: `fetch-account-data-${userId}-mxbank`,
        args: [
          {
            userId,
            institutionCode: 'mxbank',
            credentials: { username: 'mxuser', password },
            polling: { initialInterval: '100ms', maxInterval: '400ms', deadline: '180s' },
            mfa: { timeout: '180s' },
          },
        ],
      });
      started.push(handle);
      return handle;
    },
    async close() {
      // Runs left waiting would stay in everyone's MFA queue with no worker to answer their queries.
      await Promise.all(started.map((handle) => handle.terminate('support test finished').catch(() => undefined)));
      await worker.shutdown();
      await sandbox.close();
      await temporal.close();
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}

/** Waits until the run waits for MFA and the support queue (visibility) lists it. */
export async function waitUntilQueued(client: Client, handle: WorkflowHandle, timeoutMs = 30_000): Promise<Progress> {
  const deadline = Date.now() + timeoutMs;
  const query = `WorkflowId = "${handle.workflowId}" AND ${MxAwaitingMfa.name} = true AND ExecutionStatus = "Running"`;
  for (;;) {
    const progress = await handle.query(progressQuery).catch(() => undefined);
    if (progress?.mfa.awaiting) {
      const { count } = await client.workflow.count(query);
      if (count > 0) return progress;
    }
    if (Date.now() > deadline)
      throw new Error(`${handle.workflowId} never reached the MFA queue; last progress: ${JSON.stringify(progress)}`);
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}
