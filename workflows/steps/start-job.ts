// Guide step "Aggregate the member" / "Fetch statements": start the job. MX answers 202 when a job of
// the same type already runs (fine: follow it) and 409 when another type runs (wait, then try again).
import { log, sleep } from '@temporalio/workflow';
import { FAILURES } from '../../src/failures/catalogue';
import { activityFailedWith } from '../../src/failures/raise';
import type { MemberState } from '../../activities/types';
import { fewerRoundTrips, mxShort } from '../activity-proxies';
import { formatDuration } from '../duration';
import type { GuideRun } from '../guide-run';
import { waitWithinDeadline } from './deadline';
import type { JobKind } from './job';

/** `last`: the member as the run read it just now, so the start need not read it again (first attempt only). */
export async function startJob(run: GuideRun, job: JobKind, last: MemberState): Promise<void> {
  let wait = run.options.retries.conflictInterval;
  for (let attempt = 1; ; attempt += 1) {
    run.step('STARTING_JOB', `Starting the ${job.name}${attempt > 1 ? ` (attempt ${attempt})` : ''}.`);
    // After a 409 and a wait, what the run read is stale: the activity reads the status itself.
    const known = attempt === 1 && fewerRoundTrips() ? { wasBeingAggregated: last.isBeingAggregated } : {};
    try {
      const started = await mxShort()[job.activity].executeWithOptions({ summary: `start ${job.name}` }, [
        { ...run.memberRef(), ...known },
      ]);
      run.jobStarted(started.member);
      log.info('Job started', { job: job.name, attempt, alreadyRunning: !started.started });
      return;
    } catch (err) {
      if (!activityFailedWith(err, FAILURES.jobConflict)) throw err;
      const delay = waitWithinDeadline(run, wait);
      log.info('Another job runs on the member (MX 409)', { job: job.name, attempt, retryInMs: delay });
      run.noteError(`MX: another job is running on the member (409) at attempt ${attempt}.`);
      run.waiting(`Another job is running on the member (MX 409); trying again in ${formatDuration(delay)}.`);
      await sleep(delay, { summary: `409 conflict: start ${job.name} again in ${formatDuration(delay)}` });
      wait = Math.min(wait * 2, run.options.polling.maxInterval);
    }
  }
}
