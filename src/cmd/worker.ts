// `npm run worker`: runs the guide workflows and MX activities until SIGINT/SIGTERM, then drains
// (running activities get WORKER_SHUTDOWN_GRACE_MS to finish) and exits.
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { createActivities, systemClock } from '../../activities';
import { MEMBER_ID_KEY_INFO } from '../../activities/member-id';
import { loadConfig, mxBaseUrl } from '../config';
import { createMxClient } from '../mx/client';
import { createLocalStorage } from '../storage/local';
import { connectWorkerConnection, temporalTarget } from '../temporal/connection';
import { loadWorkerDataConverter } from '../temporal/data-converter';
import { loadOpener } from '../temporal/seal-keys';
import { createWorker } from '../worker/create-worker';

async function main(): Promise<void> {
  const config = loadConfig();
  // The SDK's own log lines at the configured level; shutdown on SIGINT/SIGTERM is the runtime's default.
  Runtime.install({ logger: new DefaultLogger(config.logLevel) });
  const target = temporalTarget();
  const baseUrl = mxBaseUrl(config);
  const { clientId, apiKey, timeoutMs, apiVersion, proxy } = config.mx;
  const mx = createMxClient({ baseUrl, clientId, apiKey, timeoutMs, apiVersion, proxy });
  // Every worker holds the sealing key, so every worker derives the same member ids, across restarts and rotations.
  const secrets = loadOpener(config);
  const memberIdKeys = secrets.derivedKeys(MEMBER_ID_KEY_INFO);
  const activities = createActivities({ mx, storage: createLocalStorage(config.storageDir), clock: systemClock, secrets, memberIdKeys });
  const connection = await connectWorkerConnection(target);
  try {
    const worker = await createWorker({
      connection,
      namespace: target.namespace,
      taskQueue: config.taskQueue,
      activities,
      dataConverter: await loadWorkerDataConverter(config),
      shutdownGraceTime: config.workerShutdownGraceMs,
    });
    const running = worker.run();
    console.log(
      `Worker polling task queue "${config.taskQueue}" on ${target.address} (namespace ${target.namespace}); MX ${apiVersion} at ${baseUrl}, storage ${config.storageDir}. Ctrl-C drains and stops.`,
    );
    await running;
    console.log('Worker drained and stopped.');
  } finally {
    await connection.close();
  }
}

main().catch((err: unknown) => {
  console.error(`Worker failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
