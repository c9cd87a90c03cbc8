// The activity proxies and their retry policies, declared once. MX answers that a retry cannot fix are
// non-retryable by type name, as the failure catalogue declares them (src/failures/catalogue.ts).
// Transient faults (429, 5xx, network errors, bodies cut or garbled on the way) are retried with backoff, after MX's Retry-After when it sends one, for as long as a time budget
// allows rather than a few attempts: a run waits out a bad spell instead of failing in it.
import {
  ActivityFailure,
  isCancellation,
  patched,
  proxyActivities,
  proxyLocalActivities,
  TemporalFailure,
  type ActivityOptions,
  type LocalActivityOptions,
} from '@temporalio/workflow';
import { RetryState } from '@temporalio/common';
import type { Activities } from '../activities/types';
import { NON_RETRYABLE_ACTIVITY_TYPES } from '../src/failures/catalogue';

/**
 * Every activity heartbeats every second while it runs (activities/context.ts, keptAlive), so a
 * worker that dies is noticed within this, and the retry goes to another worker: seconds, where the
 * start-to-close timeout would cost minutes. Ten beats' worth: the SDK sends one per 8 s at most.
 */
const LOST_WORKER_NOTICED_WITHIN = '10 seconds';

/**
 * How long one MX call may keep retrying transient faults. 503 means "the MX Platform is being
 * updated" and MX asks that 429s wait out the rate-limit window: both last minutes, not seconds. Half
 * an hour outlasts them and still ends well inside a run's default one-hour polling deadline.
 */
export const MX_CALL_RETRY_BUDGET = '30 minutes';

/**
 * One MX request (MX_TIMEOUT_MS, 30 s by default) or a few pages of a list, with room to spare. No
 * maximumAttempts: attempts are unlimited, the budget ends the retries.
 */
const mxCall: ActivityOptions = {
  startToCloseTimeout: '1 minute',
  heartbeatTimeout: LOST_WORKER_NOTICED_WITHIN,
  scheduleToCloseTimeout: MX_CALL_RETRY_BUDGET,
  retry: {
    initialInterval: '1s',
    backoffCoefficient: 2,
    maximumInterval: '30s',
    nonRetryableErrorTypes: NON_RETRYABLE_ACTIVITY_TYPES,
  },
};

/** Exports and downloads checkpoint as they go, so each retry resumes; the budget covers all attempts. */
export const BULK_TRANSFER_RETRY_BUDGET = '2 hours';

/**
 * Exports and downloads page through MX and stream to storage: longer, and safe to repeat (a cut
 * download resumes from its partial file). Fifteen minutes bound a slow MX, a large export or PDF;
 * a stalled read ends sooner by MX_TIMEOUT_MS, and a lost worker by the heartbeat timeout.
 */
const bulkTransfer: ActivityOptions = {
  startToCloseTimeout: '15 minutes',
  heartbeatTimeout: LOST_WORKER_NOTICED_WITHIN,
  scheduleToCloseTimeout: BULK_TRANSFER_RETRY_BUDGET,
  retry: mxCall.retry,
};

export const mx = proxyActivities<Activities>(mxCall);

/**
 * The same MX calls, run as local activities: in the worker that runs the workflow task, with the
 * results recorded when the task completes. A guide then makes its first calls (user, institution,
 * member) and each status read without a round trip through the server per call: fewer workflow
 * tasks, each run ends sooner, and a worker handles more runs at once.
 * The trade-off: a worker lost in the middle of a task repeats the calls made in it. Only calls safe
 * to repeat go here: create-or-get of the user and member (by partner id), reads, and job starts (MX
 * answers 202 to a job already running). The retry budget and policy are the remote calls'.
 * No heartbeat timeout: a local activity lives as long as its workflow task does.
 */
const mxLocalCall: LocalActivityOptions = {
  startToCloseTimeout: mxCall.startToCloseTimeout,
  scheduleToCloseTimeout: mxCall.scheduleToCloseTimeout,
  retry: mxCall.retry,
  /**
   * A retry due within a second (the first backoff, a 1 s Retry-After) waits in the worker, inside the
   * task. A longer wait (an MX outage backing off to 30 s) is a workflow timer instead: the task ends,
   * so the run answers progress queries and shows its state while it waits, as with remote calls.
   */
  localRetryThreshold: '1 second',
};

const mxLocal = asActivityFailures(proxyLocalActivities<Activities>(mxLocalCall));

/**
 * A local activity that fails reaches the workflow as its bare failure (an ApplicationFailure), where a
 * remote one arrives wrapped in an ActivityFailure naming the activity. Wrapped the same way here, so the
 * steps recognise a failure (activityFailedWith) and name the failed call (runGuide) whichever way it ran.
 */
function asActivityFailures<T extends object>(activities: T): T {
  const wrap =
    (name: string, call: (...args: unknown[]) => Promise<unknown>) =>
    async (...args: unknown[]) => {
      try {
        return await call(...args);
      } catch (err) {
        if (err instanceof ActivityFailure || isCancellation(err) || !(err instanceof TemporalFailure)) throw err;
        throw new ActivityFailure(err.message, name, undefined, RetryState.NON_RETRYABLE_FAILURE, undefined, err);
      }
    };
  return new Proxy(activities, {
    get(target, name) {
      const activity = Reflect.get(target, name) as ((...args: unknown[]) => Promise<unknown>) & {
        executeWithOptions(options: LocalActivityOptions, args: unknown[]): Promise<unknown>;
      };
      if (typeof name !== 'string' || typeof activity !== 'function') return activity;
      return Object.assign(wrap(name, activity), {
        executeWithOptions: wrap(name, (options, args) => activity.executeWithOptions(options as LocalActivityOptions, args as unknown[])),
      });
    },
  });
}

/**
 * Runs recorded before the guides cut their round trips (local MX calls, no status read the run
 * already has the answer to) replay as they ran: their histories hold scheduled activities where new
 * runs hold local-activity markers, and a status read before the job.
 */
export const FEWER_ROUND_TRIPS_PATCH = 'fewer-round-trips';

export function fewerRoundTrips(): boolean {
  return patched(FEWER_ROUND_TRIPS_PATCH);
}

/** The short, repeatable MX calls (see mxLocal): local in new runs, remote in runs recorded before. */
export function mxShort(): Pick<
  typeof mxLocal,
  | 'ensureUser'
  | 'findInstitution'
  | 'ensureMember'
  | 'readMemberStatus'
  | 'startAggregation'
  | 'startStatementsJob'
  | 'listStatements'
  | 'writeJson'
> {
  return fewerRoundTrips() ? mxLocal : mx;
}
export const bulk = proxyActivities<Pick<Activities, 'exportAccountsAndTransactions' | 'downloadStatement'>>(bulkTransfer);

/**
 * All of a member's statement PDFs in one activity: an hour per attempt, as many PDFs take longer than
 * one. Each attempt keeps what it finished, so the retry budget is the one bulk transfers have.
 */
export const bulkStatements = proxyActivities<Pick<Activities, 'downloadStatements'>>({ ...bulkTransfer, startToCloseTimeout: '1 hour' });
