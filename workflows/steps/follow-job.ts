// Guide steps "Check the member's status", "Aggregate the member" (or "Fetch statements") and "Poll the
// member's connection status" until the job ends: CONNECTED with is_being_aggregated false. What to do
// after each status read is decided by next-move.ts (pure); this is the one loop that does it: start a
// job, answer MFA, wait (first after MX's 3 s minimum, then backing off to a cap), read again.
import { allHandlersFinished, condition, continueAsNew, log, workflowInfo } from '@temporalio/workflow';
import type { MemberState } from '../../activities/types';
import { failRun } from '../../src/failures/raise';
import { fewerRoundTrips, mxShort } from '../activity-proxies';
import { formatDuration } from '../duration';
import type { GuideRun } from '../guide-run';
import { answerChallenges } from './answer-challenges';
import { waitWithinDeadline } from './deadline';
import type { JobKind } from './job';
import { firstMove, jobAtFirstRead, nextMove, type Move, type Situation } from './next-move';
import { pollInterval, waitForNextPoll } from './poll-wait';
import { startJob } from './start-job';

/**
 * Start `job` on the member and follow it to the end, answering MFA: the entry point for any workflow
 * that needs a job run on an existing member. A running job is waited for first; a job is started only
 * from the statuses the guide lists. Returns the member's final state (CONNECTED, no job running).
 * `member`: the member as MX answered a moment ago in this workflow task (a guide's create member),
 * so the status is not read again before the job; without it, it is.
 */
export async function followJob(run: GuideRun, job: JobKind, member?: MemberState): Promise<MemberState> {
  run.step('WAITING_FOR_JOB', "Reading the member's connection status.");
  let state =
    member && fewerRoundTrips()
      ? member
      : await mxShort().readMemberStatus.executeWithOptions({ summary: 'status before the job' }, [run.memberRef()]);
  run.observe(state);
  const adopt = { ownJobStarted: run.job === 'ours', adoptRunningJob: job.adoptRunningJob, memberStartedJob: run.memberStartedJob };
  if (jobAtFirstRead({ ...adopt, isBeingAggregated: state.isBeingAggregated }) === 'ours') run.adoptJob();
  let move = firstMove(situation(run, state));

  const { initialInterval, maxInterval, backoffCoefficient } = run.options.polling;
  let interval = initialInterval;
  for (;;) {
    log.debug('Next move', { move: move.kind, connectionStatus: state.connectionStatus, job: run.job });
    const outcome = await perform(run, job, move, state);
    if (outcome === 'done') return state;
    if (outcome === 'fresh') interval = initialInterval;
    await continueAsNewIfHistoryIsLong(run);
    const delay = waitWithinDeadline(run, await pollInterval(interval));
    const poll = run.counters.polls + 1;
    const waitingOn = run.job === 'ours' ? `the ${job.name}` : 'another job already running on the member to finish first';
    run.pollScheduled(new Date(Date.now() + delay).toISOString());
    run.step('WAITING_FOR_JOB', `Waiting for ${waitingOn}: poll ${poll}, next in ${formatDuration(delay)}.`);
    await waitForNextPoll(delay, `poll ${poll}, next in ${formatDuration(delay)}`);
    state = await mxShort().readMemberStatus.executeWithOptions({ summary: `poll ${poll}` }, [run.memberRef()]);
    run.polled(poll, state);
    interval = Math.min(interval * backoffCoefficient, maxInterval);
    move = nextMove(situation(run, state));
  }
}

function situation(run: GuideRun, state: MemberState): Situation {
  const { retries, mfa } = run.options;
  return {
    connectionStatus: state.connectionStatus,
    connectionStatusMessage: state.connectionStatusMessage,
    isBeingAggregated: state.isBeingAggregated,
    job: run.job,
    counters: run.counters,
    limits: { endStateRetries: retries.endStates, maxRejections: mfa.maxRejections },
  };
}

/** The effects of one move: 'done', 'poll' on the current backoff, or 'fresh' (a new job or MFA round). */
async function perform(run: GuideRun, job: JobKind, move: Move, state: MemberState): Promise<'done' | 'poll' | 'fresh'> {
  if (move.settle) run.mfa.settle(move.settle);
  switch (move.kind) {
    case 'done':
    case 'poll':
      return move.kind;
    case 'answerChallenges':
      return (await answerChallenges(run)) ? 'fresh' : await perform(run, job, move.otherwise, state);
    case 'startJob':
      run.countFreshJob(move.count);
      if (move.lastError) run.noteError(move.lastError);
      if (move.count) log.info('Starting a fresh job', { job: job.name, counter: move.count, counters: { ...run.counters } });
      await startJob(run, job, state);
      return 'fresh';
    case 'fail':
      return failRun(move.failure, move.message, move.details);
  }
}

/** Keeps history small on long waits. Only between polls, with no MFA answer in flight. */
async function continueAsNewIfHistoryIsLong(run: GuideRun): Promise<void> {
  const info = workflowInfo();
  if (!info.continueAsNewSuggested && info.historyLength < run.options.maxHistoryEvents) return;
  if (run.mfa.awaitingEffectOf !== null) return;
  run.waiting(`Continuing as a new run after ${info.historyLength} history events.`);
  log.info('Continuing as new', { historyLength: info.historyLength, counters: { ...run.counters } });
  await condition(allHandlersFinished);
  const { credentials: _credentials, continued: _continued, ...rest } = run.rawInput;
  await continueAsNew<(input: unknown) => Promise<unknown>>({ ...rest, continued: run.carry() });
}
