// The activity proxies and their retry policies, declared once. MX answers that a retry cannot fix are
// non-retryable by type name; 429, 5xx and network errors retry with backoff inside the activity call.
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

const mxCall: ActivityOptions = {
  startToCloseTimeout: '1 minute',
  retry: {
    initialInterval: '1s',
    backoffCoefficient: 2,
    maximumInterval: '30s',
    maximumAttempts: 6,
    nonRetryableErrorTypes: NON_RETRYABLE_ERROR_TYPES,
  },
};

/**
 * Exports and downloads page through MX and stream to storage: longer, and safe to repeat. They
 * heartbeat as data flows, so a lost worker is noticed within the heartbeat timeout, not 15 minutes.
 */
const bulkTransfer: ActivityOptions = {
  startToCloseTimeout: '15 minutes',
  heartbeatTimeout: '2 minutes',
  retry: { ...mxCall.retry, maximumAttempts: 4 },
};

export const mx = proxyActivities<Activities>(mxCall);
export const bulk = proxyActivities<Pick<Activities, 'exportAccountsAndTransactions' | 'downloadStatement'>>(bulkTransfer);
