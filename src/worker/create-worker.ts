// The worker that runs both guide workflows and the MX activities on one task queue.
import type { DataConverter } from '@temporalio/common';
import { Worker, type NativeConnection } from '@temporalio/worker';
import type { Activities } from '../../activities/types';
import type { WorkerTuning } from '../config';
import { activityMetricsInterceptor } from '../metrics/activity-interceptor';
import type { GuideMetrics } from '../metrics/guide-metrics';
import { workflowMetricsSinks } from '../metrics/workflow-sinks';
import { type WorkflowBundle, workflowBundle } from './bundle';

export interface CreateWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: Activities;
  /** The workflow code: a prebuilt bundle, or by default the sources bundled now (src/worker/bundle.ts). */
  workflowBundle?: WorkflowBundle;
  dataConverter?: DataConverter;
  /** How long running activities may finish after SIGINT/SIGTERM before they are cancelled. */
  shutdownGraceTime: number;
  /**
   * Counts activity retries, exports and runs (src/metrics/). Runs and MFA need the workflow bundle
   * built with workflows/metrics-interceptor.ts (src/worker/bundle.ts does so).
   */
  metrics?: GuideMetrics;
  /** Capacity and memory (WORKER_* variables, README "Worker tuning"); unset fields keep the defaults below. */
  tuning?: WorkerTuning;
}

export async function createWorker(options: CreateWorkerOptions): Promise<Worker> {
  return await Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: options.activities,
    workflowBundle: options.workflowBundle ?? (await workflowBundle(undefined)),
    ...(options.dataConverter ? { dataConverter: options.dataConverter } : {}),
    shutdownGraceTime: options.shutdownGraceTime,
    ...(options.metrics ? { interceptors: { activity: [activityMetricsInterceptor(options.metrics)] } } : {}),
    sinks: workflowMetricsSinks(options.metrics),
    ...tuningOptions(options.tuning ?? {}),
  });
}

/** WorkerTuning as Worker.create options; a field left unset is left to the SDK's default. */
export function tuningOptions(tuning: WorkerTuning) {
  const { workflowTaskPollers, activityTaskPollers, ...rest } = tuning;
  const set = Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== undefined)) as Omit<
    WorkerTuning,
    'workflowTaskPollers' | 'activityTaskPollers'
  >;
  return {
    ...set,
    ...(workflowTaskPollers === undefined
      ? {}
      : { workflowTaskPollerBehavior: { type: 'simple-maximum' as const, maximum: workflowTaskPollers } }),
    ...(activityTaskPollers === undefined
      ? {}
      : { activityTaskPollerBehavior: { type: 'simple-maximum' as const, maximum: activityTaskPollers } }),
  };
}
