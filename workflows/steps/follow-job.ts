// Guide steps "Poll the member's connection status" (again and again) until the job ends: CONNECTED with
// is_being_aggregated false. Polls on workflow timers, first after MX's 3 s minimum, then backing off to
// a cap. Each status is judged against the outcome table; MFA is answered on the way.
import { allHandlersFinished, condition, continueAsNew, workflowInfo } from '@temporalio/workflow';
import type { MemberState } from '../../activities/types';
import { mx } from '../activity-proxies';
import { formatDuration } from '../duration';
import type { GuideRun } from '../guide-run';
import { endStateFailure, endStateOf, failRun, MFA_REJECTED } from '../outcomes';
import { answerChallenges } from './answer-challenges';
import { waitWithinDeadline } from './deadline';
import type { JobKind } from './job';
import { pollInterval, waitForNextPoll } from './poll-wait';
import { startJob } from './start-job';

/** What one status means for the loop: finished, keep the backoff going, or a fresh start (reset it). */
type Verdict = 'done' | 'poll' | 'fresh';

export async function followJob(
  run: GuideRun,
  job: JobKind,
  current?: MemberState,
  waitingOn = `the ${job.name}`,
): Promise<MemberState> {
  const { initialInterval, maxInterval, backoffCoefficient } = run.options.polling;
  let interval = initialInterval;
  let state = current;
  for (;;) {
    if (state) {
      const verdict = await judge(run, job, state);
      if (verdict === 'done') return state;
      if (verdict === 'fresh') interval = initialInterval;
    }
    await continueAsNewIfHistoryIsLong(run);
    const delay = waitWithinDeadline(run, await pollInterval(interval));
    const poll = run.progress.attempts.polls + 1;
    run.progress.deadlines.nextPollAt = new Date(Date.now() + delay).toISOString();
    run.step('WAITING_FOR_JOB', `Waiting for ${run.ownJobStarted ? `the ${job.name}` : waitingOn}: poll ${poll}, next in ${formatDuration(delay)}.`);
    await waitForNextPoll(delay, `poll ${poll}, next in ${formatDuration(delay)}`);
    state = await mx.readMemberStatus.executeWithOptions({ summary: `poll ${poll}` }, [run.memberRef()]);
    run.progress.attempts.polls = poll;
    run.progress.deadlines.nextPollAt = null;
    run.observe(state);
    interval = Math.min(interval * backoffCoefficient, maxInterval);
  }
}

async function judge(run: GuideRun, job: JobKind, state: MemberState): Promise<Verdict> {
  const status = state.connectionStatus;
  const said = state.connectionStatusMessage ?? '';
  if (status === 'CONNECTED') {
    run.mfa.settle({ outcome: 'CONNECTED', connectionStatus: status, message: 'MX accepted the answers.' });
    return state.isBeingAggregated ? 'poll' : 'done';
  }
  if (status === 'CHALLENGED') return (await answerChallenges(run)) ? 'fresh' : 'poll';
  if (status === 'REJECTED') return await afterRejection(run, job, state);
  if (!state.isBeingAggregated && status && IDLE.has(status)) return await restartIdleJob(run, job, status);
  const endState = endStateOf(status, state.isBeingAggregated);
  if (!status || !endState) return 'poll'; // transient or unknown: keep polling until the deadline
  const retriesLeft = run.options.retries.endStates - run.progress.attempts.jobRetries;
  const retry = endState.retry && retriesLeft > 0;
  run.mfa.settle({
    outcome: 'FAILED',
    connectionStatus: status,
    message: `The member is ${status}${retry ? '; the run starts a fresh job' : ''}. ${said}`.trim(),
  });
  if (!retry) endStateFailure(status, endState, state.connectionStatusMessage);
  run.progress.attempts.jobRetries += 1;
  run.progress.lastError = `The member was ${status}; fresh job ${run.progress.attempts.jobRetries} of ${run.options.retries.endStates}.`;
  await startJob(run, job);
  return 'fresh';
}

/** Startable statuses that are not an end state: seen with no job running, the job was dropped. */
const IDLE = new Set(['CREATED', 'UPDATED', 'RECONNECTED']);

/** A job vanished (e.g. new credentials replaced it): start ours, counted against the same bound. */
async function restartIdleJob(run: GuideRun, job: JobKind, status: string): Promise<Verdict> {
  if (run.progress.attempts.jobRetries >= run.options.retries.endStates + 1) {
    failRun('JOB_NOT_RUNNING', `MX shows the member ${status} with no job running, even after starting one. Next: start the guide again.`);
  }
  run.progress.attempts.jobRetries += 1;
  await startJob(run, job);
  return 'fresh';
}

/**
 * REJECTED: the answers were wrong. If MX asks again, answer again; otherwise start a fresh job (which
 * brings a fresh challenge) at most mfa.maxRejections times, then stop with MFA_REJECTED.
 */
async function afterRejection(run: GuideRun, job: JobKind, state: MemberState): Promise<Verdict> {
  const max = run.options.mfa.maxRejections;
  const asksAgain = run.rejections < max ? 'the run asks again' : 'the run stops (MFA_REJECTED)';
  run.mfa.settle({ outcome: 'REJECTED', connectionStatus: 'REJECTED', message: `MX rejected the answers; ${asksAgain}.` });
  if (state.isBeingAggregated) return 'poll';
  if (await answerChallenges(run)) return 'fresh';
  if (run.rejections >= max) {
    failRun(
      MFA_REJECTED,
      `MX rejected the MFA answers ${run.rejections + 1} time(s). Next: confirm the right answers with the user and start the guide again.`,
      { connectionStatus: 'REJECTED' },
    );
  }
  run.rejections += 1;
  run.progress.lastError = `MX rejected the MFA answers; fresh job ${run.rejections} of ${max}.`;
  await startJob(run, job);
  return 'fresh';
}

/** Keeps history small on long waits. Only between polls, with no MFA answer in flight. */
async function continueAsNewIfHistoryIsLong(run: GuideRun): Promise<void> {
  const info = workflowInfo();
  if (!info.continueAsNewSuggested && info.historyLength < run.options.maxHistoryEvents) return;
  if (run.mfa.awaitingEffectOf !== null) return;
  run.waiting(`Continuing as a new run after ${info.historyLength} history events.`);
  await condition(allHandlersFinished);
  const { credentials: _credentials, continued: _continued, ...rest } = run.rawInput;
  await continueAsNew<(input: unknown) => Promise<unknown>>({ ...rest, continued: run.carry() });
}
