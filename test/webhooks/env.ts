// Everything a webhook test runs on, all real: the shared Temporal dev server, the webhook receiver on a
// loopback port with HTTP Basic, the sandbox posting MX-shaped webhooks to it, a worker with webhooks on
// (and events out to `eventsUrl` when given), and local storage in a temporary directory.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { createActivities, systemClock } from '../../activities';
import { SANDBOX_API_KEY, SANDBOX_CLIENT_ID } from '../../src/config';
import { createMxClient } from '../../src/mx/client';
import { startSandbox, type Sandbox } from '../../src/sandbox/server';
import { createLocalStorage } from '../../src/storage/local';
import { BackgroundAggregationLog } from '../../src/webhooks/background';
import { startWebhookReceiver, type WebhookReceiver } from '../../src/webhooks/server';
import { createWorker } from '../../src/worker/create-worker';
import type { GuideInput } from '../../workflows/input';
import type { WorkflowTypeName } from '../../workflows/messages';
import { connectToTestServer, uniqueName, workflowBundlePath, type TemporalTestContext } from '../helpers/temporal';

export const CREDENTIALS = { username: 'mx-webhooks', password: 'a-long-test-password-1234' };
export const EVENTS_SECRET = 'test-events-secret-0123456789abcdef';

export interface WebhookEnv {
  temporal: TemporalTestContext;
  receiver: WebhookReceiver | undefined;
  sandbox: Sandbox;
  background: BackgroundAggregationLog;
  logs: string[];
  /** The worker's task queue (refresh schedules start their runs here). */
  taskQueue: string;
  start(input: Partial<GuideInput> & { password?: string }, type?: WorkflowTypeName): Promise<WorkflowHandle>;
  close(): Promise<void>;
}

export async function startWebhookEnv(options: {
  jobDurationMs: number;
  fallbackIntervalMs: number;
  /** false: the sandbox posts to a port nobody listens on (every webhook lost). */
  receiver?: boolean;
  eventsUrl?: string;
}): Promise<WebhookEnv> {
  const temporal = await connectToTestServer();
  const dir = mkdtempSync(join(tmpdir(), 'mx-webhooks-'));
  const logs: string[] = [];
  const background = new BackgroundAggregationLog(join(dir, 'webhooks', 'background-aggregations.jsonl'));
  const receiver =
    options.receiver === false
      ? undefined
      : await startWebhookReceiver({
          port: 0,
          credentials: CREDENTIALS,
          client: temporal.client,
          background,
          log: (line) => logs.push(line),
        });
  const sandbox = await startSandbox({
    port: 0,
    // Guids unique to this test: the receiver finds runs by member guid on a server other tests share.
    seed: Math.floor(Math.random() * 1e9),
    jobDurationMs: options.jobDurationMs,
    challengeExpiryMs: 60_000,
    webhookUrl: receiver?.url ?? 'http://127.0.0.1:9/webhooks/mx',
    webhookAuth: CREDENTIALS,
    webhookRetryDelaysMs: [],
  });
  const taskQueue = uniqueName('webhooks');
  const mx = createMxClient({ baseUrl: sandbox.url, clientId: SANDBOX_CLIENT_ID, apiKey: SANDBOX_API_KEY, timeoutMs: 5_000 });
  const worker: Worker = await createWorker({
    connection: temporal.nativeConnection,
    namespace: 'default',
    taskQueue,
    activities: createActivities({
      mx,
      storage: createLocalStorage(join(dir, 'storage')),
      clock: systemClock,
      events: {
        webhooks: true,
        fallbackIntervalMs: options.fallbackIntervalMs,
        url: options.eventsUrl,
        secret: options.eventsUrl ? EVENTS_SECRET : undefined,
      },
    }),
    workflowBundle: { codePath: workflowBundlePath() },
    shutdownGraceTime: 1_000,
  });
  const running = worker.run();
  return {
    temporal,
    receiver,
    sandbox,
    background,
    logs,
    taskQueue,
    async start({ password, ...input }, type = 'fetchAccountData') {
      const userId = input.userId ?? uniqueName('user');
      const body: GuideInput = {
        userId,
        institutionCode: 'mxbank',
        credentials: { username: 'mxuser', password: password ?? 'password' },
        polling: { initialInterval: '100ms', maxInterval: '400ms', deadline: '120s' },
        mfa: { timeout: '60s' },
        ...input,
      };
      return await temporal.client.workflow.start(type, { taskQueue, workflowId: uniqueName(`webhooks-${userId}`), args: [body] });
    },
    async close() {
      worker.shutdown();
      await running;
      await sandbox.close();
      await receiver?.close();
      await temporal.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
