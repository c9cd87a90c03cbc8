// What both guides do around their steps: validate input, answer queries and MFA messages from the
// start, and turn every way a run can end into a named outcome a person can act on.
import { ActivityFailure, allHandlersFinished, ApplicationFailure, condition, isCancellation, log, setHandler } from '@temporalio/workflow';
import { FAILURES, failureOf } from '../src/failures/catalogue';
import { activityFailureType } from '../src/failures/raise';
import { GuideRun } from './guide-run';
import { parseInput } from './input';
import { progressQuery, type WorkflowTypeName } from './messages';
import type { RunManifest } from './manifest';
import { announceCompleted, announceFailed } from './run-events';

export async function runGuide<T>(workflowType: WorkflowTypeName, input: unknown, steps: (run: GuideRun) => Promise<T>): Promise<T> {
  const options = parseInput(input);
  const run = new GuideRun(workflowType, options, input as Record<string, unknown>);
  run.mfa.install();
  setHandler(progressQuery, () => run.snapshot());
  try {
    const result = await steps(run);
    run.step('COMPLETED', 'Done: the manifest is the result.');
    log.info('Guide run completed', { counters: { ...run.counters } });
    await announceCompleted(run, result as RunManifest);
    return result;
  } catch (err) {
    if (isCancellation(err) || !(err instanceof ApplicationFailure || err instanceof ActivityFailure)) throw err;
    const failure = namedFailure(err);
    // Info, not warn: the SDK logs the failed workflow at WARN once; this line names the outcome and step.
    log.info('Guide run ends with an outcome', { type: failure.type, step: run.progress.step, counters: { ...run.counters } });
    run.noteError(failure.message);
    run.mfa.settleAll({ outcome: 'FAILED', connectionStatus: run.progress.connectionStatus, message: failure.message });
    run.step('FAILED', `${failure.type}: ${failure.message}`);
    await announceFailed(run, failure);
    await condition(allHandlersFinished);
    throw failure;
  }
}

/** An activity that failed for good ends the run with the activity's type and the catalogue's next action. */
export function namedFailure(err: ApplicationFailure | ActivityFailure): ApplicationFailure {
  if (err instanceof ApplicationFailure) return err;
  const cause = err.cause;
  const type = activityFailureType(err) ?? FAILURES.mxCallFailed.type;
  const next = failureOf(type)?.next ?? FAILURES.mxCallFailed.next;
  return ApplicationFailure.create({
    type,
    message: `${err.activityType} failed: ${cause?.message ?? err.message}. Next: ${next}`,
    nonRetryable: true,
  });
}
