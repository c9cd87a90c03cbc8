// The worker that runs both guide workflows and the MX activities on one task queue.
import { setFlagsFromString } from 'node:v8';
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
  limitWorkflowHeap(options.tuning?.workflowHeapMb);
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

/**
 * The workflow thread (the SDK's worker thread that runs every workflow) gets V8's default heap limit,
 * which is a share of the machine's memory (4 GB on 16 GB): V8 then lets garbage pile up to hundreds of
 * MB before it collects (bench/concurrency.ts). A V8 flag set now applies to threads started later, so
 * the limit reaches that thread (and not the main thread, which is already running).
 */
function limitWorkflowHeap(mb: number | undefined): void {
  if (mb !== undefined) setFlagsFromString(`--max-old-space-size=${mb}`);
}

/**
 * WorkerTuning as Worker.create options; a field left unset is left to the SDK's default. With a workflow
 * heap limit and no cache size, the cache is sized to that heap by the SDK's own rule for its default
 * (which sizes it to the main thread's far larger heap): about 1.7 MB per cached workflow above 200 MB,
 * at least 10. A cached workflow of this project holds about 1 MB live (an OOM at 256 MB with 300 cached).
 */
export function tuningOptions(tuning: WorkerTuning) {
  const { workflowTaskPollers, activityTaskPollers, workflowHeapMb, ...rest } = tuning;
  const set = Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== undefined)) as Omit<
    WorkerTuning,
    'workflowTaskPollers' | 'activityTaskPollers' | 'workflowHeapMb'
  >;
  return {
    ...(workflowHeapMb === undefined
      ? {}
      : { maxCachedWorkflows: Math.max(Math.floor((Math.max(workflowHeapMb - 200, 0) * 600) / 1024), 10) }),
    ...set,
    ...(workflowTaskPollers === undefined
      ? {}
      : { workflowTaskPollerBehavior: { type: 'simple-maximum' as const, maximum: workflowTaskPollers } }),
    ...(activityTaskPollers === undefined
      ? {}
      : { activityTaskPollerBehavior: { type: 'simple-maximum' as const, maximum: activityTaskPollers } }),
  };
}
