// Deciding apart from doing: what the run does next, as a pure function of what MX last said about the
// member (connection status, is_being_aggregated), whose job runs, and the counters so far. No Temporal
// call, no clock: every MX connection status x job state is unit-tested without a server
// (test/workflows/next-move.test.ts). The effects (start a job, answer MFA, wait, read) happen in one
// loop, workflows/steps/follow-job.ts.
import { FAILURES, type FailureType } from '../../src/failures/catalogue';
import type { AnswerMfaResult } from '../messages';
import { endStateOf, STARTABLE } from '../outcomes';

/** Whose job is running on the member: ours (the run started or adopted it), or not ours yet. */
export type JobState = 'ours' | 'not ours';

/** What decides the next move. */
export interface Situation {
  connectionStatus: string | null;
  connectionStatusMessage: string | null;
  isBeingAggregated: boolean;
  job: JobState;
  counters: { jobRetries: number; rejections: number };
  limits: { endStateRetries: number; maxRejections: number };
}

/** What to tell an answerMfa caller waiting for the effect of its answers. */
export type Settlement = Omit<AnswerMfaResult, 'round' | 'challenges'>;

/** Which counter a fresh job counts against (none for the run's first start). */
export type StartCount = 'jobRetries' | 'rejections' | null;

export type Move =
  /** Our job ended CONNECTED: the guide goes on. */
  | { kind: 'done'; settle?: Settlement }
  /** Nothing to do but read the status again, on the current backoff. */
  | { kind: 'poll'; settle?: Settlement }
  /** Start our job (again), then poll from the first interval. */
  | { kind: 'startJob'; count: StartCount; lastError?: string; settle?: Settlement }
  /** Ask MX for its challenges; `otherwise` is the move when it asks nothing new. */
  | { kind: 'answerChallenges'; otherwise: Move; settle?: Settlement }
  /** End the run with a catalogued outcome. */
  | { kind: 'fail'; failure: FailureType; message: string; details?: unknown; settle?: Settlement };

/** Startable statuses that are not an end state: seen with no job running, the job was dropped. */
const IDLE = new Set(['CREATED', 'UPDATED', 'RECONNECTED']);

/**
 * Whose job runs at the first status read: ours when the run started it before continuing as new, or
 * when creating the member started the aggregation the guide wants (and it still runs).
 */
export function jobAtFirstRead(o: {
  ownJobStarted: boolean;
  adoptRunningJob: boolean;
  memberStartedJob: boolean;
  isBeingAggregated: boolean;
}): JobState {
  return o.ownJobStarted || (o.adoptRunningJob && o.memberStartedJob && o.isBeingAggregated) ? 'ours' : 'not ours';
}

/**
 * The move after the first status read: a job starts only from the statuses the guide lists and when no
 * job runs; a running job (ours or another) or any other status is judged like a poll.
 */
export function firstMove(s: Situation): Move {
  if (s.job === 'not ours' && !s.isBeingAggregated && STARTABLE.has(s.connectionStatus ?? '')) return { kind: 'startJob', count: null };
  return nextMove(s);
}

/** The move after a status read. */
export function nextMove(s: Situation): Move {
  const status = s.connectionStatus;
  if (status === 'CONNECTED') {
    const settle: Settlement = { outcome: 'CONNECTED', connectionStatus: status, message: 'MX accepted the answers.' };
    if (s.isBeingAggregated) return { kind: 'poll', settle };
    // Another job finished: now the guide's own job can start.
    return s.job === 'ours' ? { kind: 'done', settle } : { kind: 'startJob', count: null, settle };
  }
  if (status === 'CHALLENGED') return { kind: 'answerChallenges', otherwise: { kind: 'poll' } };
  if (status === 'REJECTED') return afterRejection(s);
  if (!s.isBeingAggregated && status && IDLE.has(status)) return restartIdleJob(s, status);
  const endState = endStateOf(status, s.isBeingAggregated);
  if (!status || !endState) return { kind: 'poll' }; // transient or unknown: keep polling until the deadline
  const retries = s.counters.jobRetries;
  const retry = endState.retry && s.limits.endStateRetries - retries > 0;
  const said = s.connectionStatusMessage ?? '';
  const settle: Settlement = {
    outcome: 'FAILED',
    connectionStatus: status,
    message: `The member is ${status}${retry ? '; the run starts a fresh job' : ''}. ${said}`.trim(),
  };
  if (!retry) {
    const mxSaid = s.connectionStatusMessage ? ` MX says: "${s.connectionStatusMessage}".` : '';
    return {
      kind: 'fail',
      failure: endState.failure,
      message: `The member is ${status}.${mxSaid} Next: ${endState.failure.next}`,
      details: { connectionStatus: status },
      settle,
    };
  }
  return {
    kind: 'startJob',
    count: 'jobRetries',
    lastError: `The member was ${status}; fresh job ${retries + 1} of ${s.limits.endStateRetries}.`,
    settle,
  };
}

/** A job vanished (e.g. new credentials replaced it): start ours, counted against the end-state bound. */
function restartIdleJob(s: Situation, status: string): Move {
  if (s.counters.jobRetries >= s.limits.endStateRetries + 1) {
    return {
      kind: 'fail',
      failure: FAILURES.jobNotRunning,
      message: `MX shows the member ${status} with no job running, even after starting one. Next: ${FAILURES.jobNotRunning.next}`,
    };
  }
  return { kind: 'startJob', count: 'jobRetries' };
}

/**
 * REJECTED: the answers were wrong. If MX asks again, answer again; otherwise start a fresh job (which
 * brings a fresh challenge) at most mfa.maxRejections times, then stop with MFA_REJECTED.
 */
function afterRejection(s: Situation): Move {
  const max = s.limits.maxRejections;
  const rejections = s.counters.rejections;
  const asksAgain = rejections < max ? 'the run asks again' : 'the run stops (MFA_REJECTED)';
  const settle: Settlement = { outcome: 'REJECTED', connectionStatus: 'REJECTED', message: `MX rejected the answers; ${asksAgain}.` };
  if (s.isBeingAggregated) return { kind: 'poll', settle };
  const otherwise: Move =
    rejections >= max
      ? {
          kind: 'fail',
          failure: FAILURES.mfaRejected,
          message: `MX rejected the MFA answers ${rejections + 1} time(s). Next: ${FAILURES.mfaRejected.next}`,
          details: { connectionStatus: 'REJECTED' },
        }
      : { kind: 'startJob', count: 'rejections', lastError: `MX rejected the MFA answers; fresh job ${rejections + 1} of ${max}.` };
  return { kind: 'answerChallenges', otherwise, settle };
}
