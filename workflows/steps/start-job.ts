// Guide step "Aggregate the member" / "Fetch statements": start the job. MX answers 202 when a job of
// the same type already runs (fine: follow it) and 409 when another type runs (wait, then try again).
import { ActivityFailure, ApplicationFailure, sleep } from '@temporalio/workflow';
import { ACTIVITY_ERROR_TYPES } from '../../src/mx/error-types';
import { mx } from '../activity-proxies';
import { formatDuration } from '../duration';
import type { GuideRun } from '../guide-run';
import { waitWithinDeadline } from './deadline';
import type { JobKind } from './job';

export async function startJob(run: GuideRun, job: JobKind): Promise<void> {
  let wait = run.options.retries.conflictInterval;
  for (let attempt = 1; ; attempt += 1) {
    run.step('STARTING_JOB', `Starting the ${job.name}${attempt > 1 ? ` (attempt ${attempt})` : ''}.`);
    try {
      const started = await mx[job.activity].executeWithOptions({ summary: `start ${job.name}` }, [run.memberRef()]);
      run.progress.attempts.jobStarts += 1;
      run.ownJobStarted = true;
      run.observe(started.member);
      return;
    } catch (err) {
      if (!isJobConflict(err)) throw err;
      const delay = waitWithinDeadline(run, wait);
      run.progress.lastError = `MX: another job is running on the member (409) at attempt ${attempt}.`;
      run.waiting(`Another job is running on the member (MX 409); trying again in ${formatDuration(delay)}.`);
      await sleep(delay, { summary: `409 conflict: start ${job.name} again in ${formatDuration(delay)}` });
      wait = Math.min(wait * 2, run.options.polling.maxInterval);
    }
  }
}

function isJobConflict(err: unknown): boolean {
  return (
    err instanceof ActivityFailure &&
    err.cause instanceof ApplicationFailure &&
    err.cause.type === ACTIVITY_ERROR_TYPES.jobConflict
  );
}
