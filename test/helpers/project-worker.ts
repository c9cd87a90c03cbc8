// A worker as `npm run worker` builds it, for tests: the real activities on the sandbox, the project's
// worker DataConverter, and the sealing keys of `config` (so it opens what the support tool sealed).
import { createActivities, systemClock } from '../../activities';
import { type Config, SANDBOX_API_KEY, SANDBOX_CLIENT_ID } from '../../src/config';
import { createMxClient } from '../../src/mx/client';
import { createLocalStorage } from '../../src/storage/local';
import { loadWorkerDataConverter } from '../../src/temporal/data-converter';
import { loadOpener } from '../../src/temporal/seal-keys';
import { createWorker } from '../../src/worker/create-worker';
import { type TemporalTestContext, workflowBundlePath } from './temporal';

export async function startProjectWorker(options: {
  temporal: TemporalTestContext;
  config: Config;
  sandboxUrl: string;
  storageDir: string;
  taskQueue: string;
}): Promise<{ shutdown(): Promise<void> }> {
  const { temporal, config, sandboxUrl, storageDir, taskQueue } = options;
  const mx = createMxClient({ baseUrl: sandboxUrl, clientId: SANDBOX_CLIENT_ID, apiKey: SANDBOX_API_KEY, timeoutMs: 5_000 });
  const worker = await createWorker({
    connection: temporal.nativeConnection,
    namespace: 'default',
    taskQueue,
    activities: createActivities({ mx, storage: createLocalStorage(storageDir), clock: systemClock, secrets: loadOpener(config) }),
    workflowBundle: { codePath: workflowBundlePath() },
    dataConverter: await loadWorkerDataConverter(config),
    shutdownGraceTime: 1_000,
  });
  const run = worker.run();
  return {
    async shutdown() {
      worker.shutdown();
      await run;
    },
  };
}
