// The Temporal SDK's own metrics (task slots, schedule-to-start latency, sticky cache, ...), exported
// by the Runtime on a loopback port that only the worker's /metrics endpoint reads. Names follow
// Temporal's worker-alerting page: counters end in _total, durations are seconds with a _seconds
// suffix, e.g. temporal_workflow_task_schedule_to_start_latency_seconds_bucket.
import type { TelemetryOptions } from '@temporalio/worker';
import { freePort } from '../temporal/ports';

export interface SdkMetricsExporter {
  telemetryOptions: TelemetryOptions;
  /** Where the worker's /metrics endpoint reads the SDK's text. */
  url: string;
}

/** Call before Runtime.install: the port is chosen now, and the Runtime binds it when installed. */
export async function sdkMetricsExporter(): Promise<SdkMetricsExporter> {
  const port = await freePort();
  return {
    telemetryOptions: {
      metrics: {
        prometheus: { bindAddress: `127.0.0.1:${port}`, countersTotalSuffix: true, unitSuffix: true, useSecondsForDurations: true },
      },
    },
    url: `http://127.0.0.1:${port}/metrics`,
  };
}
