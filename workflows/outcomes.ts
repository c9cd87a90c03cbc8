// MX connection statuses as data: which ones let a job start, and what each end state means for the
// person running the guide (MX's connection statuses; README, "End states"). One table; the poll loop
// only looks things up here.
import { ApplicationFailure } from '@temporalio/workflow';

export type Outcome =
  | 'NEEDS_NEW_CREDENTIALS'
  | 'ACTION_REQUIRED_AT_INSTITUTION'
  | 'MFA_EXPIRED'
  | 'INSTITUTION_UNAVAILABLE'
  | 'NOT_SUPPORTED';

interface EndState {
  outcome: Outcome;
  /** Retried with a fresh job a bounded number of times before the outcome stands. */
  retry: boolean;
  nextAction: string;
}

const newCredentials: EndState = {
  outcome: 'NEEDS_NEW_CREDENTIALS',
  retry: false,
  nextAction: 'Ask the user for their current credentials and start the guide again with them.',
};
const atInstitution: EndState = {
  outcome: 'ACTION_REQUIRED_AT_INSTITUTION',
  retry: false,
  nextAction: "The user must sign in on the institution's own website (or call it) to clear the block, then start the guide again.",
};
const unavailable: EndState = {
  outcome: 'INSTITUTION_UNAVAILABLE',
  retry: true,
  nextAction: 'The institution is not answering reliably; start the guide again later (hours, not minutes).',
};
const notSupported: EndState = {
  outcome: 'NOT_SUPPORTED',
  retry: false,
  nextAction: 'MX no longer connects to this institution or member; choose another institution or contact MX support.',
};

export const END_STATES: Readonly<Record<string, EndState>> = {
  DENIED: newCredentials,
  PREVENTED: newCredentials,
  IMPAIRED: newCredentials,
  IMPORTED: newCredentials,
  LOCKED: atInstitution,
  IMPEDED: atInstitution,
  EXPIRED: {
    outcome: 'MFA_EXPIRED',
    retry: false,
    nextAction: 'MFA was not answered in time at MX; start the guide again while the user is present to answer.',
  },
  DEGRADED: unavailable,
  DELAYED: unavailable,
  FAILED: unavailable,
  DISCONNECTED: unavailable,
  DISCONTINUED: notSupported,
  CLOSED: notSupported,
  DISABLED: notSupported,
};

/** The statuses the guide lists as safe to start a job from (with is_being_aggregated false). */
export const STARTABLE = new Set([
  'CREATED', 'CONNECTED', 'DEGRADED', 'DISCONNECTED', 'EXPIRED', 'FAILED', 'IMPEDED', 'RECONNECTED', 'UPDATED',
]);

export function endStateOf(status: string | null, isBeingAggregated: boolean): EndState | undefined {
  if (!status) return undefined;
  const endState = END_STATES[status];
  // A startable status may be left over from the previous job while the new one still runs.
  if (endState && STARTABLE.has(status) && isBeingAggregated) return undefined;
  return endState;
}

/** Named outcomes of the MFA step itself, not from MX's table. */
export const MFA_TIMEOUT = 'MFA_TIMEOUT';
export const MFA_REJECTED = 'MFA_REJECTED';
export const DEADLINE_EXCEEDED = 'DEADLINE_EXCEEDED';

export function failRun(type: string, message: string, details?: unknown): never {
  throw ApplicationFailure.create({ type, message, nonRetryable: true, details: details === undefined ? [] : [details] });
}

export function endStateFailure(status: string, endState: EndState, mxMessage: string | null): never {
  const said = mxMessage ? ` MX says: "${mxMessage}".` : '';
  failRun(endState.outcome, `The member is ${status}.${said} Next: ${endState.nextAction}`, { connectionStatus: status });
}
