// Workflow-side half of the worker's metrics (src/metrics/workflow-sinks.ts is the other): it only
// watches, through Temporal's interceptors, and reports through a sink, so the guides' code holds no
// metric calls. It issues no commands and reads only workflow time, so it changes no history and
// replays as it ran; sinks are not called during replay, so nothing is counted twice.
import {
  ActivityFailure,
  ApplicationFailure,
  ContinueAsNew,
  isCancellation,
  proxySinks,
  TemporalFailure,
  workflowInfo,
  type Sinks,
  type WorkflowInterceptors,
} from '@temporalio/workflow';

export interface GuideMetricsSinks extends Sinks {
  guideMetrics: {
    /** A run began (not a continue-as-new of one already counted). */
    runStarted(): void;
    /** COMPLETED, CANCELLED, or the failure's type (the named outcome). */
    runEnded(outcome: string): void;
    /** challenges were listed: a round waits for answers. */
    mfaRoundOpened(): void;
    /** Answers are going to MX, `waitedMs` after the round opened (workflow time). */
    mfaAnswered(waitedMs: number): void;
  };
}

const { guideMetrics } = proxySinks<GuideMetricsSinks>();

export function interceptors(): WorkflowInterceptors {
  let roundOpenedAt: number | undefined;
  return {
    inbound: [
      {
        async execute(input, next) {
          if (!workflowInfo().continuedFromExecutionRunId) guideMetrics.runStarted();
          try {
            const result = await next(input);
            guideMetrics.runEnded('COMPLETED');
            return result;
          } catch (error) {
            const outcome = outcomeOf(error);
            if (outcome) guideMetrics.runEnded(outcome);
            throw error;
          }
        },
      },
    ],
    outbound: [
      {
        async scheduleActivity(input, next) {
          if (input.activityType === 'resumeMember' && roundOpenedAt !== undefined) {
            guideMetrics.mfaAnswered(Date.now() - roundOpenedAt);
            roundOpenedAt = undefined;
          }
          const result = await next(input);
          if (input.activityType === 'listChallenges' && Array.isArray(result) && result.length > 0) {
            roundOpenedAt = Date.now();
            guideMetrics.mfaRoundOpened();
          }
          return result;
        },
      },
    ],
  };
}

/** How a thrown error ends the run; undefined when it does not (continue-as-new, a workflow task failure). */
function outcomeOf(error: unknown): string | undefined {
  if (error instanceof ContinueAsNew) return undefined;
  if (isCancellation(error)) return 'CANCELLED';
  if (error instanceof ActivityFailure && error.cause instanceof ApplicationFailure) return error.cause.type ?? 'ActivityFailure';
  if (error instanceof ApplicationFailure) return error.type ?? 'ApplicationFailure';
  if (error instanceof TemporalFailure) return error.name;
  return undefined;
}
