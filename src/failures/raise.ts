// Raising and recognising catalogued failures. Imported by workflow code and activities alike, so only
// @temporalio/common (deterministic, no Node built-ins).
import { ActivityFailure, ApplicationFailure } from '@temporalio/common';
import type { FailureType } from './catalogue';

/**
 * The failure an activity throws: its type and retry verdict come from the catalogue, so the retry
 * policy (derived from the same list) and the thrower always agree.
 */
export function activityFailure(failure: FailureType, message: string, options: { nextRetryDelayMs?: number } = {}): ApplicationFailure {
  return ApplicationFailure.create({
    type: failure.type,
    message,
    nonRetryable: !failure.retryable,
    ...(options.nextRetryDelayMs === undefined ? {} : { nextRetryDelay: options.nextRetryDelayMs }),
  });
}

/** Ends the run with a catalogued outcome; `details` (e.g. the connection status) go into the failure. */
export function failRun(failure: FailureType, message: string, details?: unknown): never {
  throw ApplicationFailure.create({ type: failure.type, message, nonRetryable: true, details: details === undefined ? [] : [details] });
}

/** The type an activity failed with (its ApplicationFailure cause), or undefined for anything else. */
export function activityFailureType(err: unknown): string | undefined {
  if (!(err instanceof ActivityFailure) || !(err.cause instanceof ApplicationFailure)) return undefined;
  return err.cause.type ?? undefined;
}

/** "The activity failed with one of these types": the one test the workflow steps use. */
export function activityFailedWith(err: unknown, ...failures: FailureType[]): boolean {
  const type = activityFailureType(err);
  return type !== undefined && failures.some((f) => f.type === type);
}
