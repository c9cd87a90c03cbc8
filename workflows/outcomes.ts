// MX connection statuses as data: which ones let a job start, and which catalogued outcome each end
// state leads to (MX's connection statuses; README, "End states"). The meaning and next action of each
// outcome live in the failure catalogue (src/failures/catalogue.ts); the decision
// (steps/next-move.ts) only looks things up here.
import { FAILURES, type FailureType } from '../src/failures/catalogue';

interface EndState {
  failure: FailureType;
  /** Retried with a fresh job a bounded number of times before the outcome stands. */
  retry: boolean;
}

const newCredentials: EndState = { failure: FAILURES.needsNewCredentials, retry: false };
const atInstitution: EndState = { failure: FAILURES.actionRequiredAtInstitution, retry: false };
const unavailable: EndState = { failure: FAILURES.institutionUnavailable, retry: true };
const notSupported: EndState = { failure: FAILURES.notSupported, retry: false };

export const END_STATES: Readonly<Record<string, EndState>> = {
  DENIED: newCredentials,
  PREVENTED: newCredentials,
  IMPAIRED: newCredentials,
  IMPORTED: newCredentials,
  LOCKED: atInstitution,
  IMPEDED: atInstitution,
  EXPIRED: { failure: FAILURES.mfaExpired, retry: false },
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
  'CREATED',
  'CONNECTED',
  'DEGRADED',
  'DISCONNECTED',
  'EXPIRED',
  'FAILED',
  'IMPEDED',
  'RECONNECTED',
  'UPDATED',
]);

export function endStateOf(status: string | null, isBeingAggregated: boolean): EndState | undefined {
  if (!status) return undefined;
  const endState = END_STATES[status];
  // A startable status may be left over from the previous job while the new one still runs.
  if (endState && STARTABLE.has(status) && isBeingAggregated) return undefined;
  return endState;
}
