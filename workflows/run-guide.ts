// What both guides do around their steps: validate input, answer queries and MFA messages from the
// start, and turn every way a run can end into a named outcome a person can act on.
import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  condition,
  isCancellation,
  setHandler,
} from '@temporalio/workflow';
import { ACTIVITY_ERROR_TYPES as E } from '../src/mx/error-types';
import { GuideRun } from './guide-run';
import { parseInput } from './input';
import { progressQuery, type WorkflowTypeName } from './messages';
import { SEALED_SECRET_UNREADABLE } from './secret-values';
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
    await announceCompleted(run, result as RunManifest);
    return result;
  } catch (err) {
    if (isCancellation(err) || !(err instanceof ApplicationFailure || err instanceof ActivityFailure)) throw err;
    const failure = namedFailure(err);
    run.progress.lastError = failure.message;
    run.mfa.settleAll({ outcome: 'FAILED', connectionStatus: run.progress.connectionStatus, message: failure.message });
    run.step('FAILED', `${failure.type}: ${failure.message}`);
    await announceFailed(run, failure);
    await condition(allHandlersFinished);
    throw failure;
  }
}

/** What to do next when an MX call failed for good, by the activity's error type. */
const NEXT_ACTION: Record<string, string> = {
  [E.institutionNotFound]: 'Check institutionCode / institutionName.',
  [E.institutionUnsupported]: 'The statements guide needs an institution that supports statements; choose another institution.',
  [E.credentialsMismatch]: "Send credentials keyed by the institution's credential field names or labels.",
  [E.badRequest]: 'MX refused the request as invalid; for statements, the institution may not support them.',
  [E.unauthorized]: 'Check MX_CLIENT_ID and MX_API_KEY of the worker.',
  [E.forbidden]: 'MX refused access: check that this client is allowed the feature and the caller address is whitelisted.',
  [SEALED_SECRET_UNREADABLE]: 'Give the worker the sealing key the value was sealed for (PAYLOAD_SEAL_KEY, or PAYLOAD_SEAL_PREVIOUS_KEYS after a rotation), then start the guide again.',
};

function namedFailure(err: ApplicationFailure | ActivityFailure): ApplicationFailure {
  if (err instanceof ApplicationFailure) return err;
  const cause = err.cause;
  const type = cause instanceof ApplicationFailure && cause.type ? cause.type : 'MX_CALL_FAILED';
  const next = NEXT_ACTION[type] ?? 'Check that MX (or the sandbox) is reachable, then start the guide again.';
  return ApplicationFailure.create({
    type,
    message: `${err.activityType} failed: ${cause?.message ?? err.message}. Next: ${next}`,
    nonRetryable: true,
  });
}
