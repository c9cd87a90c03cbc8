// The one place where errors become what Temporal sees. MX errors keep their type name and retry
// verdict (with Retry-After as nextRetryDelay); storage errors get theirs; cancellation stays
// cancellation. Every activity goes through `withFailures`. A fault that is retried (429, 5xx, a cut
// connection) is expected: it is logged as one line saying what and when, and marked benign so the SDK
// does not print the whole error object (30 lines of stack and fields) at WARN for each attempt.
import { ApplicationFailure, ApplicationFailureCategory, msToNumber } from '@temporalio/common';
import { FAILURES } from '../src/failures/catalogue';
import { activityFailure } from '../src/failures/raise';
import { MxError, MxRetryableError } from '../src/mx/errors';
import { HashMismatchError, InvalidStorageKeyError } from '../src/storage/errors';
import { activityContext } from './context';

export function toActivityFailure(error: unknown): unknown {
  const signal = activityContext()?.cancellationSignal;
  if (signal?.aborted) return signal.reason;
  if (error instanceof ApplicationFailure) return error;
  if (error instanceof MxError) {
    return ApplicationFailure.create({
      message: error.message,
      type: error.type,
      nonRetryable: !error.retryable,
      // Retry-After: 0 (or a date already past) means "now": the retry policy's backoff then, since a
      // nextRetryDelay of 0 makes the server fail the activity as timed out instead of retrying it.
      nextRetryDelay: error instanceof MxRetryableError && error.nextRetryDelayMs ? error.nextRetryDelayMs : undefined,
      category: error.retryable ? ApplicationFailureCategory.BENIGN : undefined,
    });
  }
  if (error instanceof HashMismatchError) {
    // A corrupted transfer: a fresh download can fix it.
    return activityFailure(FAILURES.hashMismatch, error.message);
  }
  if (error instanceof InvalidStorageKeyError) {
    return invalidInput(error.message);
  }
  return error;
}

/** Wraps every function of an activities object so its failures go through `toActivityFailure`. */
export function withFailures<T extends object>(activities: T): T {
  const wrapped = Object.entries(activities).map(([name, fn]) => [
    name,
    async (...args: unknown[]) => {
      try {
        return await (fn as (...a: unknown[]) => Promise<unknown>)(...args);
      } catch (error) {
        const failure = toActivityFailure(error);
        logRetriedFault(name, failure);
        throw failure;
      }
    },
  ]);
  return Object.fromEntries(wrapped) as T;
}

function logRetriedFault(activity: string, failure: unknown): void {
  if (!(failure instanceof ApplicationFailure) || failure.category !== ApplicationFailureCategory.BENIGN) return;
  const context = activityContext();
  if (!context) return;
  const delay = failure.nextRetryDelay == null ? '' : ` after ${msToNumber(failure.nextRetryDelay) / 1000} s (Retry-After)`;
  context.log.info(`${activity} attempt ${context.info.attempt}: ${failure.type}, retried${delay}: ${failure.message}`);
}

/**
 * For activities that checkpoint: the retry backs off from the last attempt that moved the checkpoint
 * (`progressAttempt`), not from the first attempt, so a long export that meets many separate faults
 * does not wait ever longer for each; while it makes no progress it backs off as the policy says. A
 * Retry-After from MX still wins; non-retryable stays so; without progress the policy decides alone.
 */
export function failureSinceProgress(error: unknown, progressAttempt: number | undefined): unknown {
  const failure = toActivityFailure(error);
  const info = activityContext()?.info;
  const policy = info?.retryPolicy;
  if (!(failure instanceof ApplicationFailure) || failure.nonRetryable || failure.nextRetryDelay != null) return failure;
  if (!info || !policy?.initialInterval || progressAttempt === undefined) return failure;
  const first = msToNumber(policy.initialInterval);
  const backoff = first * (policy.backoffCoefficient ?? 2) ** Math.max(0, info.attempt - progressAttempt);
  const nextRetryDelay = Math.min(backoff, policy.maximumInterval ? msToNumber(policy.maximumInterval) : 100 * first);
  const { message, type, details, category } = failure;
  return ApplicationFailure.create({
    message,
    type: type ?? undefined,
    details: details ?? undefined,
    category: category ?? undefined,
    nextRetryDelay,
  });
}

export function invalidInput(message: string): ApplicationFailure {
  return activityFailure(FAILURES.invalidActivityInput, message);
}
