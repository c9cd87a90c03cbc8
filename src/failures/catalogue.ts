// Every failure type a guide run or one of its activities can end with, in one list: what it means,
// what a person does next, and whether retrying the same call can help. Workflows, activities, the MX
// client and the README's outcome table all read this list, so a type name exists once.
// Workflow code imports this file: it must stay deterministic and import nothing.

export interface FailureType {
  /** The failure's type name, as Temporal shows it (ApplicationFailure.type). */
  readonly type: string;
  /** Who raises it: the run itself (its outcome), or an activity (an MX call, storage, a secret). */
  readonly raisedBy: 'run' | 'activity';
  readonly meaning: string;
  readonly next: string;
  /** Activities only: true when another attempt of the same call can succeed. */
  readonly retryable: boolean;
}

function run(type: string, meaning: string, next: string): FailureType {
  return { type, raisedBy: 'run', meaning, next, retryable: false };
}
function activity(type: string, retryable: boolean, meaning: string, next: string): FailureType {
  return { type, raisedBy: 'activity', meaning, next, retryable };
}

const TRY_AGAIN_LATER = 'Nothing to fix: the call is retried within its time budget.';

export const FAILURES = {
  // Outcomes of a run: the MX end states (workflows/outcomes.ts maps connection statuses to these).
  needsNewCredentials: run(
    'NEEDS_NEW_CREDENTIALS',
    'MX cannot sign in with these credentials (DENIED, PREVENTED, IMPAIRED, IMPORTED).',
    'Ask the user for their current credentials and start the guide again with them.',
  ),
  actionRequiredAtInstitution: run(
    'ACTION_REQUIRED_AT_INSTITUTION',
    'The institution blocks access until the user acts there (LOCKED, IMPEDED).',
    "The user must sign in on the institution's own website (or call it) to clear the block, then start the guide again.",
  ),
  mfaExpired: run(
    'MFA_EXPIRED',
    'MX gave up waiting for MFA answers (EXPIRED).',
    'MFA was not answered in time at MX; start the guide again while the user is present to answer.',
  ),
  institutionUnavailable: run(
    'INSTITUTION_UNAVAILABLE',
    'The institution kept failing after bounded fresh jobs (DEGRADED, DELAYED, FAILED, DISCONNECTED).',
    'The institution is not answering reliably; start the guide again later (hours, not minutes).',
  ),
  notSupported: run(
    'NOT_SUPPORTED',
    'MX no longer connects this institution or member (DISCONTINUED, CLOSED, DISABLED).',
    'MX no longer connects to this institution or member; choose another institution or contact MX support.',
  ),
  // Outcomes of a run decided by the run itself.
  mfaTimeout: run(
    'MFA_TIMEOUT',
    'Nobody answered an MFA round within mfa.timeout.',
    'start the guide again while the user is present to answer (signal mfaAnswers or update answerMfa).',
  ),
  mfaRejected: run(
    'MFA_REJECTED',
    'MX rejected the MFA answers more than mfa.maxRejections times.',
    'confirm the right answers with the user and start the guide again.',
  ),
  deadlineExceeded: run(
    'DEADLINE_EXCEEDED',
    'The member reached no end state within polling.deadline.',
    'start the guide again later, or with a longer "polling.deadline".',
  ),
  jobNotRunning: run(
    'JOB_NOT_RUNNING',
    'MX kept showing the member idle with no job running, even after the run started one.',
    'start the guide again.',
  ),
  invalidInput: run(
    'INVALID_INPUT',
    'The workflow input is invalid or could not be decoded; every problem is listed.',
    'Fix the fields named in the message (or run the codec server) and start the run again.',
  ),
  mxCallFailed: run(
    'MX_CALL_FAILED',
    'An activity failed for good without a type of its own.',
    'Check that MX (or the sandbox) is reachable, then start the guide again.',
  ),
  // Rejections of a message (the answerMfa update's validator): the run goes on.
  mfaAnswerRejected: run(
    'MfaAnswerRejected',
    'The answerMfa update was refused before reaching MX; nothing was applied.',
    'Send answers for exactly the pending challenges of the current round.',
  ),
  // Activity failures a retry cannot fix: the run ends with the type of the failed call.
  badRequest: activity(
    'MxBadRequest',
    false,
    'MX answered 400.',
    'MX refused the request as invalid; for statements, the institution may not support them.',
  ),
  unauthorized: activity('MxUnauthorized', false, 'MX answered 401.', 'Check MX_CLIENT_ID and MX_API_KEY of the worker.'),
  forbidden: activity(
    'MxForbidden',
    false,
    'MX answered 403.',
    'MX refused access: check that this client is allowed the feature and the caller address is whitelisted.',
  ),
  notFound: activity('MxNotFound', false, 'MX answered 404.', 'Check that the user and member still exist at MX.'),
  methodNotAllowed: activity('MxMethodNotAllowed', false, 'MX answered 405: not allowed in the current state.', 'Start the guide again.'),
  notAcceptable: activity('MxNotAcceptable', false, 'MX answered 406: the Accept-Version header was rejected.', 'Check MX_API_VERSION.'),
  unprocessable: activity('MxUnprocessable', false, 'MX answered 422.', 'Check the input the message names.'),
  jobConflict: activity(
    'MxJobConflict',
    false,
    'MX answered 409: another job runs on the member.',
    'The run waits and starts its job again.',
  ),
  duplicate: activity('MxDuplicate', false, 'MX answered 409: the object already exists.', 'The run reuses the existing object.'),
  protocol: activity(
    'MxProtocolError',
    false,
    'MX answered JSON that does not match its API document.',
    'Report it: MX changed its contract or this client has a bug.',
  ),
  proxyAuthRequired: activity(
    'MxProxyAuthRequired',
    false,
    'The forward proxy refused our credentials (407).',
    'Fix the user and password in HTTPS_PROXY.',
  ),
  institutionNotFound: activity(
    'InstitutionNotFound',
    false,
    'No institution matches the code or name.',
    'Check institutionCode / institutionName.',
  ),
  institutionUnsupported: activity(
    'InstitutionUnsupported',
    false,
    'The institution lacks what the guide needs (statements).',
    'The statements guide needs an institution that supports statements; choose another institution.',
  ),
  credentialsMismatch: activity(
    'CredentialsMismatch',
    false,
    "The credentials do not match the institution's credential fields.",
    "Send credentials keyed by the institution's credential field names or labels.",
  ),
  invalidActivityInput: activity(
    'InvalidActivityInput',
    false,
    'An activity was called with input it cannot use (a bug in the caller).',
    'Report it with the message: the workflow sent an activity input it should not.',
  ),
  sealedSecretUnreadable: activity(
    'SealedSecretUnreadable',
    false,
    'The worker cannot open a sealed credential or answer.',
    'Give the worker the sealing key the value was sealed for (PAYLOAD_SEAL_KEY, or PAYLOAD_SEAL_PREVIOUS_KEYS after a rotation), then start the guide again.',
  ),
  refreshMemberNotFound: activity(
    'RefreshMemberNotFound',
    false,
    'refreshMember found no such member of the user at MX.',
    'Check userId and memberGuid (or institutionCode); a member is created by fetchAccountData first.',
  ),
  reconcileStateCorrupt: activity(
    'ReconcileStateCorrupt',
    false,
    "The member's stored reconciliation state cannot be read.",
    "Restore the member's refresh/ folder from a backup, or delete it to start a new baseline.",
  ),
  // Activity failures a retry can fix: seen in history between attempts, never as a run's outcome.
  rateLimited: activity('MxRateLimited', true, 'MX answered 429.', TRY_AGAIN_LATER),
  server: activity('MxServerError', true, 'MX answered 5xx.', TRY_AGAIN_LATER),
  network: activity('MxNetworkError', true, 'The connection to MX failed.', TRY_AGAIN_LATER),
  timeout: activity('MxTimeout', true, 'MX did not answer within MX_TIMEOUT_MS.', TRY_AGAIN_LATER),
  malformedBody: activity('MxMalformedBody', true, 'A 2xx body that is not JSON: cut or garbled on the way.', TRY_AGAIN_LATER),
  hashMismatch: activity('StatementHashMismatch', true, "A downloaded PDF does not match MX's content hash.", TRY_AGAIN_LATER),
} as const satisfies Record<string, FailureType>;

export type FailureName = keyof typeof FAILURES;
/** The type names, e.g. FAILURE_TYPES.mfaRejected === 'MFA_REJECTED'. */
export type FailureTypeName = (typeof FAILURES)[FailureName]['type'];

export const FAILURE_TYPES = Object.fromEntries(Object.entries(FAILURES).map(([name, f]) => [name, f.type])) as {
  readonly [N in FailureName]: (typeof FAILURES)[N]['type'];
};

const BY_TYPE = new Map<string, FailureType>(Object.values(FAILURES).map((f) => [f.type, f]));

/** The catalogue entry of a type name, if it is one of ours. */
export function failureOf(type: string | null | undefined): FailureType | undefined {
  return type ? BY_TYPE.get(type) : undefined;
}

/** Activity types no retry can fix: the retry policy's nonRetryableErrorTypes, derived from the list. */
export const NON_RETRYABLE_ACTIVITY_TYPES: string[] = Object.values(FAILURES as Record<string, FailureType>)
  .filter((f) => f.raisedBy === 'activity' && !f.retryable)
  .map((f) => f.type);
