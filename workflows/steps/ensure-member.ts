// Guide step "Create a member": the activity matches the user's credential values to the institution's
// credential guids, and reuses the user's existing member when MX answers 409 (duplicate).
import type { Institution, MemberState } from '../../activities/types';
import { mxShort } from '../activity-proxies';
import type { GuideRun } from '../guide-run';

/** Returns the member as MX answered the create (or update): the run's first view of its status. */
export async function ensureMember(run: GuideRun, institution: Institution, skipAggregation: boolean): Promise<MemberState> {
  const o = run.options;
  run.step('ENSURING_MEMBER', `Connecting the user to ${institution.name ?? institution.code} with their credentials.`);
  const member = await mxShort().ensureMember({
    ...run.userRef(),
    institutionCode: institution.code,
    credentialFields: institution.credentials,
    credentials: o.credentials ?? {},
    skipAggregation,
    ...(o.memberId ? { id: o.memberId } : {}),
    ...(o.memberMetadata ? { metadata: o.memberMetadata } : {}),
    ...(o.backgroundAggregationIsDisabled !== undefined ? { backgroundAggregationIsDisabled: o.backgroundAggregationIsDisabled } : {}),
  });
  run.setMember(member.guid, { reused: member.reused, startedJob: !skipAggregation && member.isBeingAggregated });
  run.observe(member);
  return member;
}
