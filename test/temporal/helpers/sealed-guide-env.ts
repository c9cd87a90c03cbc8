// The guides as `npm start` runs them, all real: the shared Temporal dev server, the MX sandbox over
// loopback, a worker with the project's worker DataConverter and sealing keys, a client that seals and
// encrypts like the support tool, and the keys in a temporary DATA_DIR.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, type WorkflowHandle } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { DefaultLogger, type LogEntry, Runtime } from '@temporalio/worker';
import { type Config, loadConfig } from '../../../src/config';
import { startSandbox, type Sandbox } from '../../../src/sandbox/server';
import { loadDataConverter } from '../../../src/temporal/data-converter';
import type { GuideInput } from '../../../workflows/input';
import type { WorkflowTypeName } from '../../../workflows/messages';
import { startProjectWorker } from '../../helpers/project-worker';
import { connectToTestServer, type TemporalTestContext, uniqueName } from '../../helpers/temporal';

export const FAST = {
  polling: { initialInterval: '100ms', maxInterval: '400ms', deadline: '60s' },
  mfa: { timeout: '30s' },
} satisfies Partial<GuideInput>;

export interface SealedGuideEnv {
  temporal: TemporalTestContext;
  /** Seals and encrypts like the support tool and the codec server. */
  client: Client;
  config: Config;
  env: NodeJS.ProcessEnv;
  dataDir: string;
  taskQueue: string;
  /** Every line the worker's runtime logged (SDK and workflow logs), as text. */
  logs: string[];
  /** A client whose payloads pass through `dataConverter` instead of the project's. */
  clientWith(dataConverter: DataConverter): Client;
  start(type: WorkflowTypeName, password: string, extra?: Partial<GuideInput>): Promise<WorkflowHandle>;
  close(): Promise<void>;
}

const logs: string[] = [];
let runtimeInstalled = false;

/** One runtime per process (vitest runs each file in its own), logging into `logs` at DEBUG. */
function installCapturingRuntime(): void {
  if (runtimeInstalled) return;
  Runtime.install({
    logger: new DefaultLogger(
      'DEBUG',
      (entry: LogEntry) => void logs.push(`${entry.level} ${entry.message} ${JSON.stringify(entry.meta ?? {})}`),
    ),
  });
  runtimeInstalled = true;
}

export async function startSealedGuideEnv(): Promise<SealedGuideEnv> {
  installCapturingRuntime();
  const temporal = await connectToTestServer();
  const sandbox: Sandbox = await startSandbox({ port: 0, jobDurationMs: 400, challengeExpiryMs: 60_000 });
  const dataDir = mkdtempSync(join(tmpdir(), 'mx-sealed-'));
  const env = { ...process.env, TEMPORAL_ADDRESS: temporal.address, TEMPORAL_NAMESPACE: 'default', DATA_DIR: dataDir };
  const config = loadConfig(env);
  const client = new Client({ connection: temporal.client.connection, dataConverter: await loadDataConverter(config) });
  const taskQueue = uniqueName('sealed');
  const worker = await startProjectWorker({ temporal, config, sandboxUrl: sandbox.url, storageDir: join(dataDir, 'storage'), taskQueue });
  const started: WorkflowHandle[] = [];

  return {
    temporal,
    client,
    config,
    env,
    dataDir,
    taskQueue,
    logs,
    clientWith: (dataConverter) => new Client({ connection: temporal.client.connection, dataConverter }),
    async start(type, password, extra = {}) {
      const userId = uniqueName('user');
      const handle = await client.workflow.start(type, {
        taskQueue,
        workflowId: uniqueName(`${type}-${userId}`),
        args: [{ userId, institutionCode: 'mxbank', credentials: { username: 'mxuser', password }, ...FAST, ...extra }],
      });
      started.push(handle);
      return handle;
    },
    async close() {
      await Promise.all(started.map((handle) => handle.terminate('test finished').catch(() => undefined)));
      await worker.shutdown();
      await sandbox.close();
      await temporal.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
