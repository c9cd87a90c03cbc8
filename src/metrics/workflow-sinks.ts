// The worker side of workflows/metrics-interceptor.ts: its sink calls become metrics, labelled by the
// workflow type (the guide), never by workflow or run id.
import type { InjectedSinks } from '@temporalio/worker';
import type { GuideMetricsSinks } from '../../workflows/metrics-interceptor';
import { type GuideMetrics, typeLabel } from './guide-metrics';

/**
 * Without metrics the sinks still exist and do nothing: the worker's bundle always holds the
 * interceptor, and the SDK logs an error for every call to a sink no worker registered.
 */
export function workflowMetricsSinks(metrics: GuideMetrics | undefined): InjectedSinks<GuideMetricsSinks> {
  if (!metrics) {
    const none = { fn: () => undefined };
    return { guideMetrics: { runStarted: none, runEnded: none, mfaRoundOpened: none, mfaAnswered: none } };
  }
  return {
    guideMetrics: {
      runStarted: { fn: (info) => metrics.runsStarted.inc({ guide: typeLabel(info.workflowType) }) },
      runEnded: { fn: (info, outcome) => metrics.runsEnded.inc({ guide: typeLabel(info.workflowType), outcome: typeLabel(outcome) }) },
      mfaRoundOpened: { fn: (info) => metrics.mfaRounds.inc({ guide: typeLabel(info.workflowType) }) },
      mfaAnswered: {
        fn: (info, waitedMs) => metrics.mfaAnswerWait.observe({ guide: typeLabel(info.workflowType) }, Math.max(0, waitedMs) / 1000),
      },
    },
  };
}
