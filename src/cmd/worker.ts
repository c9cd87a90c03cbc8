// `npm run worker`: runs the guide workflows and MX activities until SIGINT/SIGTERM, then drains
// (running activities get WORKER_SHUTDOWN_GRACE_MS to finish) and exits. It also sweeps partial
// files that crashed attempts left and no retry came back for.
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { createActivities, systemClock } from '../../activities';
import { isExportPartName } from '../../activities/export';
import { MEMBER_ID_KEY_INFO } from '../../activities/member-id';
import { loadConfig, mxBaseUrl } from '../config';
import { eventDeps } from '../events/settings';
import { createGuideMetrics } from '../metrics/guide-metrics';
import { mxRequestObserver } from '../metrics/mx-observer';
import { sdkMetricsExporter } from '../metrics/sdk-telemetry';
import { startMetricsServer } from '../metrics/server';
import { storedObserver } from '../metrics/storage-observer';
import { createMxClient } from '../mx/client';
import { createStorage, describeStorage } from '../storage/create';
import { meteredStorage } from '../storage/metered';
import type { Storage } from '../storage/types';
import { connectWorkerConnection, temporalTarget } from '../temporal/connection';
import { loadWorkerDataConverter } from '../temporal/data-converter';
import { loadOpener } from '../temporal/seal-keys';
import { workflowBundle } from '../worker/bundle';
import { logLine } from '../worker/log-line';
import { createWorker } from '../worker/create-worker';

async function main(): Promise<void> {
  const config = loadConfig();
  // The SDK's own log lines at the configured level, one line each (src/worker/log-line.ts); shutdown on SIGINT/SIGTERM is the runtime's default.
  // With METRICS_PORT set, the SDK's metrics too (read by the worker's /metrics endpoint, README "Metrics").
  const sdkMetrics = config.metrics.port === undefined ? undefined : await sdkMetricsExporter();
  Runtime.install({
    logger: new DefaultLogger(config.logLevel, (entry) => process.stderr.write(`${logLine(entry)}\n`)),
    ...(sdkMetrics ? { telemetryOptions: sdkMetrics.telemetryOptions } : {}),
  });
  const metrics = sdkMetrics ? createGuideMetrics() : undefined;
  const target = temporalTarget();
  const baseUrl = mxBaseUrl(config);
  const { clientId, apiKey, timeoutMs, apiVersion, proxy } = config.mx;
  const observe = metrics ? mxRequestObserver(metrics) : undefined;
  const mx = createMxClient({ baseUrl, clientId, apiKey, timeoutMs, apiVersion, proxy, observe });
  // Every worker holds the sealing key, so every worker derives the same member ids, across restarts and rotations.
  const secrets = loadOpener(config);
  const memberIdKeys = secrets.derivedKeys(MEMBER_ID_KEY_INFO);
  const backend = createStorage(config);
  const storage = metrics ? meteredStorage(backend, storedObserver(metrics)) : backend;
  const activities = createActivities({ mx, storage, clock: systemClock, secrets, memberIdKeys, events: eventDeps(config) });
  const connection = await connectWorkerConnection(target);
  const stopSweeping = sweepPeriodically(storage);
  const metricsServer =
    metrics && config.metrics.port !== undefined
      ? await startMetricsServer({ host: config.metrics.host, port: config.metrics.port, metrics, sdkMetricsUrl: sdkMetrics?.url })
      : undefined;
  if (metricsServer) console.log(`Metrics (this worker's and the Temporal SDK's) at ${metricsServer.url}`);
  try {
    const worker = await createWorker({
      connection,
      namespace: target.namespace,
      taskQueue: config.taskQueue,
      activities,
      workflowBundle: await workflowBundle(config.workflowBundlePath),
      dataConverter: await loadWorkerDataConverter(config),
      shutdownGraceTime: config.workerShutdownGraceMs,
      metrics,
      tuning: config.workerTuning,
    });
    const running = worker.run();
    console.log(
      `Worker polling task queue "${config.taskQueue}" on ${target.address} (namespace ${target.namespace}); MX ${apiVersion} at ${baseUrl}, storage ${describeStorage(config)}. Ctrl-C drains and stops.`,
    );
    await running;
    console.log('Worker drained and stopped.');
  } finally {
    stopSweeping();
    await metricsServer?.close();
    await connection.close();
  }
}

// A retry resumes from (or overwrites) its partial file within seconds to minutes (Temporal's retry
// intervals, MX's Retry-After); a partial file untouched for an hour belongs to a run that ended
// without one: terminated, or out of attempts right after a crash. Several workers sweeping the same
// storage do no harm.
const SWEEP_OLDER_THAN_MS = 60 * 60_000;
const SWEEP_EVERY_MS = 15 * 60_000;

// An export writes each staging part once and may run for its whole retry budget (2 hours,
// BULK_TRANSFER_RETRY_BUDGET in workflows/activity-proxies.ts) before it assembles them: parts older than
// that plus a margin belong to an export that failed for good (budget spent, or a non-retryable answer).
const EXPORT_PARTS_ABANDONED_AFTER_MS = 3 * 60 * 60_000;

function sweepPeriodically(storage: Storage): () => void {
  const report = (what: string) =>
    [
      (removed: string[]) => removed.length && console.log(`Removed ${removed.length} ${what}.`),
      (err: unknown) => console.error(`Sweeping ${what} failed: ${err instanceof Error ? err.message : String(err)}`),
    ] as const;
  const sweep = () => {
    void storage
      .sweep?.(SWEEP_OLDER_THAN_MS)
      .then(...report('partial file(s) untouched for an hour (crashed attempts that no retry resumed)'));
    void storage
      .sweep?.(EXPORT_PARTS_ABANDONED_AFTER_MS, isExportPartName)
      .then(...report('staging part(s) of exports that ended for good'));
  };
  sweep();
  const timer = setInterval(sweep, SWEEP_EVERY_MS).unref();
  return () => clearInterval(timer);
}

main().catch((err: unknown) => {
  console.error(`Worker failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
