// The activity proxies and their retry policies, declared once. MX answers that a retry cannot fix are
// non-retryable by type name. Transient faults (429, 5xx, network errors, bodies cut or garbled on the
// way) are retried with backoff, after MX's Retry-After when it sends one, for as long as a time budget
// allows rather than a few attempts: a run waits out a bad spell instead of failing in it.
import { proxyActivities, type ActivityOptions } from '@temporalio/workflow';
import type { Activities } from '../activities/types';
import { ACTIVITY_ERROR_TYPES as E } from '../src/mx/error-types';

export const NON_RETRYABLE_ERROR_TYPES = [
  E.badRequest,
  E.unauthorized,
  E.forbidden,
  E.notFound,
  E.methodNotAllowed,
  E.notAcceptable,
  E.unprocessable,
  E.jobConflict,
  E.duplicate,
  E.institutionNotFound,
  E.credentialsMismatch,
];

/**
 * How long one MX call may keep retrying transient faults. 503 means "the MX Platform is being
 * updated" and MX asks that 429s wait out the rate-limit window: both last minutes, not seconds. Half
 * an hour outlasts them and still ends well inside a run's default one-hour polling deadline.
 */
export const MX_CALL_RETRY_BUDGET = '30 minutes';

// No maximumAttempts: attempts are unlimited, the budget ends the retries.
const mxCall: ActivityOptions = {
  startToCloseTimeout: '1 minute',
  scheduleToCloseTimeout: MX_CALL_RETRY_BUDGET,
  retry: {
    initialInterval: '1s',
    backoffCoefficient: 2,
    maximumInterval: '30s',
    nonRetryableErrorTypes: NON_RETRYABLE_ERROR_TYPES,
  },
};

/** Exports and downloads checkpoint as they go, so each retry resumes; the budget covers all attempts. */
export const BULK_TRANSFER_RETRY_BUDGET = '2 hours';

/**
 * Exports and downloads page through MX and stream to storage: longer, and safe to repeat. They
 * heartbeat as data flows, so a lost worker is noticed within the heartbeat timeout, not 15 minutes.
 */
const bulkTransfer: ActivityOptions = {
  startToCloseTimeout: '15 minutes',
  heartbeatTimeout: '2 minutes',
  scheduleToCloseTimeout: BULK_TRANSFER_RETRY_BUDGET,
  retry: mxCall.retry,
};

export const mx = proxyActivities<Activities>(mxCall);
export const bulk = proxyActivities<Pick<Activities, 'exportAccountsAndTransactions' | 'downloadStatement'>>(bulkTransfer);
