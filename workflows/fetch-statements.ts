// MX guide "Fetch Statements", step after step.
import type { MemberState } from '../activities/types';
import type { GuideInput } from './input';
import { memberKeyPrefix, runKeyPrefix, writeManifest, type RunManifest } from './manifest';
import { runGuide } from './run-guide';
import { downloadStatements } from './steps/download-statements';
import { ensureMember } from './steps/ensure-member';
import { ensureUser } from './steps/ensure-user';
import { followJob } from './steps/follow-job';
import type { JobKind } from './steps/job';
import { resolveInstitution } from './steps/resolve-institution';

/** The guide creates the member with skip_aggregation, then starts its own statements job. */
const statementsJob: JobKind = { name: 'statements job', activity: 'startStatementsJob', adoptRunningJob: false };

export async function fetchStatements(input: GuideInput): Promise<RunManifest> {
  return await runGuide('fetchStatements', input, async (run) => {
    let member: MemberState | undefined;
    if (!run.options.continued) {
      await run.phase('user', () => ensureUser(run));
      const institution = await run.phase('institution', () => resolveInstitution(run, { requireStatements: true }));
      member = await run.phase('member', () => ensureMember(run, institution, true));
    }
    await run.phase('statementsJob', () => followJob(run, statementsJob, member));
    const statements = await run.phase('download', () => downloadStatements(run, memberKeyPrefix(run, 'fetch-statements')));
    return await writeManifest(run, runKeyPrefix(run, 'fetch-statements'), { statements });
  });
}
