// How MX Bank answers: the password chooses the outcome of a job, the MFA answer the outcome of a resume.
// MX documents `challenge`, `options`, `image`, `BAD_REQUEST` and the answers `correct` / `challenge`;
// the other passwords are this sandbox's own (one per end state, named after the status) and are listed
// by `GET /` and in src/sandbox/README.md.

export type ChallengeType = 'TEXT' | 'OPTIONS' | 'TOKEN' | 'IMAGE_DATA' | 'IMAGE_OPTIONS';

export const MX_BANK_USERNAME = 'mxuser';
export const CORRECT_ANSWER = 'correct';
export const FOLLOW_UP_ANSWER = 'challenge';

/** Passwords that make the job end in a status other than CONNECTED (is_being_aggregated false). */
export const END_STATE_PASSWORDS: Readonly<Record<string, string>> = {
  BAD_REQUEST: 'FAILED',
  SERVER_ERROR: 'FAILED',
  UNAVAILABLE: 'FAILED',
  INVALID: 'DENIED',
  UNAUTHORIZED: 'DENIED',
  ...Object.fromEntries(
    [
      'FAILED',
      'DENIED',
      'LOCKED',
      'IMPEDED',
      'PREVENTED',
      'DEGRADED',
      'DISCONNECTED',
      'IMPAIRED',
      'EXPIRED',
      'DISABLED',
      'DISCONTINUED',
      'CLOSED',
      'DELAYED',
      'IMPORTED',
    ].map((status) => [status, status]),
  ),
};

/** Passwords that make the job stop at an MFA challenge of the given type. */
export const CHALLENGE_PASSWORDS: Readonly<Record<string, ChallengeType>> = {
  challenge: 'TEXT',
  options: 'OPTIONS',
  image: 'IMAGE_DATA',
  token: 'TOKEN',
  image_options: 'IMAGE_OPTIONS',
};

export type Outcome = { kind: 'connected' } | { kind: 'challenged'; challengeType: ChallengeType } | { kind: 'ended'; status: string };

/** The outcome of a job for the member's credentials. Missing credentials are MX's IMPAIRED. */
export function outcomeForCredentials(username: string | undefined, password: string | undefined): Outcome {
  if (username === undefined || password === undefined) return { kind: 'ended', status: 'IMPAIRED' };
  if (username !== MX_BANK_USERNAME) return { kind: 'ended', status: 'DENIED' };
  const endStatus = END_STATE_PASSWORDS[password];
  if (endStatus) return { kind: 'ended', status: endStatus };
  const challengeType = CHALLENGE_PASSWORDS[password];
  if (challengeType) return { kind: 'challenged', challengeType };
  return { kind: 'connected' };
}

/**
 * The outcome of a resume for all the answers given: an error password wins (a server error at the MFA
 * step), then `challenge` (a follow-up question), then all `correct` (connected); anything else is REJECTED.
 */
export function outcomeForAnswers(answers: readonly string[]): Outcome {
  for (const answer of answers) {
    const endStatus = END_STATE_PASSWORDS[answer];
    if (endStatus) return { kind: 'ended', status: endStatus };
  }
  if (answers.includes(FOLLOW_UP_ANSWER)) return { kind: 'challenged', challengeType: 'TEXT' };
  if (answers.length > 0 && answers.every((answer) => answer === CORRECT_ANSWER)) return { kind: 'connected' };
  return { kind: 'ended', status: 'REJECTED' };
}

/** MX's end-user messages (connect-widget), keyed by connection_status. */
export const STATUS_MESSAGES: Readonly<Record<string, string>> = {
  CREATED: 'The member is new and has not yet been aggregated.',
  PREVENTED: 'The last 3 attempts to connect have failed. Please re-enter your credentials to continue importing data.',
  DENIED: 'The credentials entered do not match your credentials at this institution. Please re-enter your credentials to continue.',
  CHALLENGED: 'To authenticate your connection to MX Bank, please answer the following challenge(s).',
  REJECTED: 'The answer or answers provided were incorrect. Please try again.',
  LOCKED: 'Your account is locked. Please log in to the appropriate website for MX Bank and follow the steps to resolve the issue.',
  CONNECTED: 'Connected to MX Bank.',
  IMPEDED:
    "Your attention is needed at this institution's website. Please log in to the appropriate website for MX Bank and follow the steps to resolve the issue.",
  RECONNECTED: 'The connection has been moved to a new data source.',
  DEGRADED: 'We are upgrading this connection. Please try again later.',
  DISCONNECTED: 'It looks like your data from MX Bank cannot be imported. We are working to resolve the issue.',
  DISCONTINUED:
    'Connections to this institution are no longer supported. You may create a manual account and use manual transactions to track data for this account.',
  CLOSED: 'This connection has been closed. You may track this account manually. If reopened, you may connect the institution again.',
  DELAYED: 'Importing your data from MX Bank may take a while. Please check back later.',
  FAILED: 'There was a problem validating your credentials with MX Bank. Please try again later.',
  UPDATED: 'The member has been updated and is waiting to connect.',
  DISABLED: 'Importing data from this institution has been disabled. Please contact us if you believe it has been disabled in error.',
  IMPORTED: 'You must re-authenticate before your data can be imported. Please enter your credentials for MX Bank.',
  RESUMED: 'The answer or answers have been received and are being checked.',
  EXPIRED: 'The answer or answers were not provided in time. Please try again.',
  IMPAIRED: 'You must re-authenticate before your data can be imported. Please enter your credentials for MX Bank.',
};

/** Statuses after which MX will not aggregate until the credentials change. */
export const NEEDS_NEW_CREDENTIALS = new Set(['DENIED', 'PREVENTED', 'IMPAIRED', 'IMPORTED']);
