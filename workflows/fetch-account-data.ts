// MX guide "Fetch Account and Transaction Data", step after step.
import type { MemberState } from '../activities/types';
import type { GuideInput } from './input';
import { runKeyPrefix, writeManifest, type RunManifest } from './manifest';
import { runGuide } from './run-guide';
import { ensureMember } from './steps/ensure-member';
import { ensureUser } from './steps/ensure-user';
import { exportAccounts } from './steps/export-accounts';
import { followJob } from './steps/follow-job';
import type { JobKind } from './steps/job';
import { resolveInstitution } from './steps/resolve-institution';

/** Member creation starts an aggregation: that job is the guide's aggregation, not a reason to start another. */
const aggregation: JobKind = { name: 'aggregation', activity: 'startAggregation', adoptRunningJob: true };

export async function fetchAccountData(input: GuideInput): Promise<RunManifest> {
  return await runGuide('fetchAccountData', input, async (run) => {
    let member: MemberState | undefined;
    if (!run.options.continued) {
      await run.phase('user', () => ensureUser(run));
      const institution = await run.phase('institution', () => resolveInstitution(run, { requireStatements: false }));
      member = await run.phase('member', () => ensureMember(run, institution, false));
    }
    await run.phase('aggregation', () => followJob(run, aggregation, member));
    const keyPrefix = runKeyPrefix(run, 'fetch-account-data');
    const exported = await run.phase('export', () => exportAccounts(run, keyPrefix));
    return await writeManifest(run, keyPrefix, exported);
  });
}
