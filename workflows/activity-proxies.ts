// The activity proxies and their retry policies, declared once. MX answers that a retry cannot fix are
// non-retryable by type name, as the failure catalogue declares them (src/failures/catalogue.ts).
// Transient faults (429, 5xx, network errors, bodies cut or garbled on the way) are retried with backoff, after MX's Retry-After when it sends one, for as long as a time budget
// allows rather than a few attempts: a run waits out a bad spell instead of failing in it.
import { proxyActivities, type ActivityOptions } from '@temporalio/workflow';
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
export const bulk = proxyActivities<Pick<Activities, 'exportAccountsAndTransactions' | 'downloadStatement'>>(bulkTransfer);
