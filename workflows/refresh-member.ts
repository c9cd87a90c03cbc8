// Keep a member current (issue 12): read the member's status; stop with a named outcome when it needs
// the user; otherwise wait for any other run on the member, aggregate (MX's 202 / 409 rules), poll and
// answer MFA like the guides, export the re-read window and reconcile it with the stored state.
// Built on the guides' GuideRun, startJob and followJob; the rest is refresh-specific activities.
import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  condition,
  isCancellation,
  proxyActivities,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import { z } from 'zod';
import type { ReconcileSummary, RefreshActivities } from '../activities/refresh-types';
import { refreshNeedsUser } from '../src/schedules/refresh-ids';
import { FAILURE_TYPES, NON_RETRYABLE_ACTIVITY_TYPES } from '../src/failures/catalogue';
import { failRun } from '../src/failures/raise';
import { bulk, mx } from './activity-proxies';
import { formatDuration } from './duration';
import { GuideRun } from './guide-run';
import { namedFailure } from './run-guide';
import { guideInputShape, type GuideOptions } from './input';
import { progressQuery } from './messages';
import { END_STATES, STARTABLE } from './outcomes';
import { waitWithinDeadline } from './steps/deadline';
import { followJob } from './steps/follow-job';
import type { JobKind } from './steps/job';

const DAY_MS = 86_400_000;
const FIRST_WINDOW_DAYS = 90;
const aggregation: JobKind = { name: 'aggregation', activity: 'startAggregation', adoptRunningJob: false };

const refresh = proxyActivities<RefreshActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '10 seconds',
  scheduleToCloseTimeout: '30 minutes',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', nonRetryableErrorTypes: NON_RETRYABLE_ACTIVITY_TYPES },
});

const s = guideInputShape;
const refreshInputSchema = z
  .strictObject({
    userId: s.userId,
    memberGuid: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,100}$/, 'must be an MX member guid (MBR-…)')
      .optional(),
    institutionCode: s.institutionCode,
    /** Re-read this many days before the last reconciled date: late postings and removals land there. */
    overlapDays: z.number().int().min(0).max(120).default(14),
    /** Read this many days past today (MX's own default is 5, to catch pending transactions). */
    lookaheadDays: z.number().int().min(0).max(60).default(5),
    /** Set by the member's schedule (src/schedules): paused with the reason when the member needs the user. */
    scheduleId: z.string().min(1).max(200).optional(),
    polling: s.polling,
    mfa: s.mfa,
    retries: s.retries,
    maxHistoryEvents: s.maxHistoryEvents,
    continued: s.continued,
  })
  .refine((input) => input.memberGuid || input.institutionCode, {
    message: 'memberGuid or institutionCode is required',
    path: ['memberGuid'],
  });

export type RefreshMemberInput = z.input<typeof refreshInputSchema>;

export interface RefreshResult {
  workflowId: string;
  runId: string;
  user: { id: string; guid: string };
  member: { guid: string; connectionStatus: string | null };
  /** Present when this run first reconciled the member from its fetchAccountData export. */
  baseline: ReconcileSummary | null;
  reconciliation: ReconcileSummary;
  attempts: { polls: number; jobStarts: number; mfaRounds: number; jobRetries: number };
  phasesMs: Record<string, number>;
  startedAt: string;
  completedAt: string;
  resultKey: string;
}

export async function refreshMember(input: RefreshMemberInput): Promise<RefreshResult> {
  const options = parseRefreshInput(input);
  const run = new GuideRun(
    'refreshMember',
    { ...options, statements: { concurrency: 1 } } as GuideOptions,
    input as Record<string, unknown>,
  );
  run.mfa.install();
  setHandler(progressQuery, () => run.snapshot());
  try {
    if (!options.continued) {
      await run.phase('member', () => findMember(run, options));
      await run.phase('other runs', () => waitForOtherRuns(run));
      stopIfMemberNeedsUser(run);
    }
    // Waits for a job already running, starts the aggregation when MX allows, follows it to the end (MFA too).
    await run.phase('aggregation', () => followJob(run, aggregation));
    const result = await run.phase('reconcile', () => reconcile(run, options));
    run.step('COMPLETED', `Done: ${describe(result.reconciliation)}.`);
    return result;
  } catch (err) {
    if (isCancellation(err) || !(err instanceof ApplicationFailure || err instanceof ActivityFailure)) throw err;
    const failure = namedFailure(err);
    run.noteError(failure.message);
    run.mfa.settleAll({ outcome: 'FAILED', connectionStatus: run.progress.connectionStatus, message: failure.message });
    run.step('FAILED', `${failure.type}: ${failure.message}`);
    if (options.scheduleId && refreshNeedsUser(failure.type)) {
      const note = `${failure.type}: ${failure.message} Once fixed: npm run schedules -- resume --id ${options.scheduleId}`;
      await refresh.pauseRefreshSchedule({ scheduleId: options.scheduleId, note });
    }
    await condition(allHandlersFinished);
    throw failure;
  }
}

type RefreshOptions = z.output<typeof refreshInputSchema>;

function parseRefreshInput(input: unknown): RefreshOptions {
  const parsed = refreshInputSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const where = issue.path.length ? issue.path.join('.') : 'input';
    return issue.code === 'unrecognized_keys' ? `${where}: unknown field(s) ${issue.keys.join(', ')}` : `${where}: ${issue.message}`;
  });
  throw ApplicationFailure.nonRetryable(`Invalid refreshMember input:\n- ${problems.join('\n- ')}`, FAILURE_TYPES.invalidInput);
}

async function findMember(run: GuideRun, options: RefreshOptions): Promise<void> {
  const what = options.memberGuid ?? `the member at ${options.institutionCode}`;
  run.step('ENSURING_MEMBER', `Looking up ${what} of user "${options.userId}" and reading its status.`);
  const found = await refresh.findRefreshMember({
    userId: options.userId,
    ...(options.memberGuid ? { memberGuid: options.memberGuid } : { institutionCode: options.institutionCode }),
  });
  run.setUser(found.userGuid);
  run.setMember(found.guid, { reused: true, startedJob: false });
  run.setInstitution(found.institutionCode, null);
  run.observe(found);
}

/** One run per member at a time: a guide or an earlier refresh on this member finishes first. */
async function waitForOtherRuns(run: GuideRun): Promise<void> {
  let wait = run.options.polling.initialInterval;
  for (;;) {
    const others = await refresh.otherRunsOnMember({
      userId: run.options.userId,
      memberGuid: run.memberRef().memberGuid,
      workflowId: workflowInfo().workflowId,
      startedAt: run.progress.startedAt,
    });
    if (others.length === 0) return;
    const delay = waitWithinDeadline(run, wait);
    const names = others.map((o) => `${o.workflowType} ${o.workflowId}`).join(', ');
    run.step('WAITING_FOR_OTHER_RUN', `Waiting for ${names} to finish before refreshing; next look in ${formatDuration(delay)}.`);
    await sleep(delay, { summary: `wait for ${names}` });
    wait = Math.min(wait * 2, run.options.polling.maxInterval);
  }
}

/** A member MX will not aggregate until the user acts: stop with the guides' named outcome at once. */
function stopIfMemberNeedsUser(run: GuideRun): void {
  const status = run.progress.connectionStatus;
  if (!status || run.progress.isBeingAggregated || STARTABLE.has(status)) return;
  const endState = END_STATES[status];
  if (!endState || endState.retry) return;
  const mxSaid = run.progress.connectionStatusMessage ? ` MX says: "${run.progress.connectionStatusMessage}".` : '';
  failRun(endState.failure, `The member is ${status}.${mxSaid} Next: ${endState.failure.next}`, { connectionStatus: status });
}

async function reconcile(run: GuideRun, options: RefreshOptions): Promise<RefreshResult> {
  const { userId } = options;
  const { memberGuid } = run.memberRef();
  const runId = workflowInfo().firstExecutionRunId;
  run.step('RECONCILING', 'Reading what has been reconciled for the member so far.');
  let state = await refresh.readReconcileState({ userId, memberGuid });
  let baseline: ReconcileSummary | null = null;
  if (state.runs === 0) {
    const found = await refresh.findBaseline({ userId, memberGuid });
    if (found) {
      run.waiting(`Creating the baseline from fetchAccountData run ${found.runId}.`);
      baseline = await refresh.reconcileTransactions({ userId, memberGuid, ...found });
      state = await refresh.readReconcileState({ userId, memberGuid });
    }
  }
  const window = refreshWindow(state.reconciledThrough, options);
  const keyPrefix = `refresh/${userId}/${memberGuid}/runs/${runId}`;
  run.step('EXPORTING_ACCOUNTS', `Re-reading accounts and transactions from ${window.fromDate} to ${window.toDate}.`);
  const exported = await bulk.exportAccountsAndTransactions.executeWithOptions({ summary: `export ${window.fromDate}..${window.toDate}` }, [
    { ...run.memberRef(), ...window, keyPrefix },
  ]);
  run.step('RECONCILING', `Reconciling ${exported.transactionCount} transaction(s) with the stored state.`);
  const reconciliation = await refresh.reconcileTransactions({
    userId,
    memberGuid,
    runId,
    ...window,
    transactionsKey: exported.transactionsKey,
    accountsKey: exported.accountsKey,
  });
  const p = run.progress;
  const result: RefreshResult = {
    workflowId: workflowInfo().workflowId,
    runId,
    user: { id: userId, guid: run.memberRef().userGuid },
    member: { guid: memberGuid, connectionStatus: p.connectionStatus },
    baseline,
    reconciliation,
    attempts: {
      polls: run.counters.polls,
      jobStarts: run.counters.jobStarts,
      mfaRounds: run.counters.mfaRounds,
      jobRetries: run.counters.jobRetries,
    },
    phasesMs: run.phasesMs,
    startedAt: p.startedAt,
    completedAt: new Date(Date.now()).toISOString(),
    resultKey: `${keyPrefix}/result.json`,
  };
  await mx.writeJson.executeWithOptions({ summary: 'write the refresh result' }, [{ key: result.resultKey, value: result }]);
  return result;
}

/** From `overlapDays` before the last reconciled date (or 90 days back the first time) to `lookaheadDays` ahead. */
function refreshWindow(reconciledThrough: string | null, options: RefreshOptions): { fromDate: string; toDate: string } {
  const toDate = isoDay(Date.now() + options.lookaheadDays * DAY_MS);
  const from = reconciledThrough
    ? isoDay(Date.parse(reconciledThrough) - options.overlapDays * DAY_MS)
    : isoDay(Date.now() - FIRST_WINDOW_DAYS * DAY_MS);
  return { fromDate: from < toDate ? from : toDate, toDate };
}

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function describe(summary: ReconcileSummary): string {
  const c = summary.counts;
  return `${c.added} added, ${c.modified} modified (${c.posted} posted), ${c.removed} removed; ${summary.transactionCount} transaction(s) in the state`;
}
