// Guide steps "Check the member's status", "Aggregate the member" (or "Fetch statements") and "Poll
// until an end state". A job is started only from the statuses the guide lists and when no job runs;
// a running job is waited for first.
import type { MemberState } from '../../activities/types';
import { mx } from '../activity-proxies';
import type { GuideRun } from '../guide-run';
import { STARTABLE } from '../outcomes';
import { followJob } from './follow-job';
import type { JobKind } from './job';
import { startJob } from './start-job';

export async function connectMember(run: GuideRun, job: JobKind): Promise<MemberState> {
  run.step('WAITING_FOR_JOB', "Reading the member's connection status.");
  const status = await mx.readMemberStatus.executeWithOptions({ summary: 'status before the job' }, [run.memberRef()]);
  run.observe(status);
  if (job.adoptRunningJob && run.memberStartedJob && status.isBeingAggregated) run.ownJobStarted = true;
  // Our job runs already (started with the member, or before continue-as-new): follow it, start no other.
  if (run.ownJobStarted) return await followJob(run, job, status);

  if (status.isBeingAggregated || !STARTABLE.has(status.connectionStatus ?? '')) {
    const settled = await followJob(run, job, status, 'another job already running on the member to finish first');
    if (run.ownJobStarted) return settled;
  }
  await startJob(run, job);
  return await followJob(run, job);
}
