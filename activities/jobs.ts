// Guide steps "Check the member's status", "Aggregate the member" / "Fetch statements" and
// "Answer multifactor authentication".
import type { MxClient } from '../src/mx/client';
import type { ActivityDeps } from './deps';
import { cancellation } from './context';
import { invalidInput } from './failures';
import { openSecret } from './secrets';
import { toChallenge, toMemberState } from './mappers';
import type { Activities, JobStart, MemberRef, StartJobInput } from './types';

type JobActivities = Pick<Activities, 'readMemberStatus' | 'startAggregation' | 'startStatementsJob' | 'listChallenges' | 'resumeMember'>;

export function jobActivities({ mx, secrets }: ActivityDeps): JobActivities {
  return {
    async readMemberStatus(input) {
      requireMember('readMemberStatus', input);
      const signal = cancellation();
      const status = await mx.readMemberStatus(input.userGuid, input.memberGuid, { signal });
      // The status object has no connection_status_message; the member object does. It is read only
      // where the message tells a person something (an end state, why a job stopped): not on every poll.
      const said = status.connection_status_message;
      const message =
        typeof said === 'string'
          ? said
          : messageMatters(status.connection_status)
            ? (await mx.readMember(input.userGuid, input.memberGuid, { signal })).connection_status_message
            : null;
      return toMemberState(status, message ?? null);
    },

    startAggregation: (input) => startJob(mx, 'startAggregation', input, (u, m, o) => mx.aggregateMember(u, m, o)),

    startStatementsJob: (input) => startJob(mx, 'startStatementsJob', input, (u, m, o) => mx.fetchStatements(u, m, o)),

    async listChallenges(input) {
      requireMember('listChallenges', input);
      const challenges = await mx.listMemberChallenges(input.userGuid, input.memberGuid, { signal: cancellation() });
      return challenges.map(toChallenge);
    },

    async resumeMember(input) {
      requireMember('resumeMember', input);
      const answers = input.answers ?? [];
      if (answers.length === 0) throw invalidInput('resumeMember: at least one answer is required');
      const bad = answers.findIndex((a) => typeof a?.guid !== 'string' || !a.guid || typeof a.value !== 'string');
      if (bad >= 0) throw invalidInput(`resumeMember: answer ${bad + 1} needs a challenge guid and a string value`);
      const answered = answers.map(({ guid, value }) => ({ guid, value: openSecret(secrets, value) }));
      const member = await mx.resumeAggregation(input.userGuid, input.memberGuid, answered, { signal: cancellation() });
      return toMemberState(member);
    },
  };
}

/**
 * MX answers 202 both when it starts a job and when one of the same type already runs (or the
 * throttle window holds): the member's state before and after the call tells them apart.
 */
async function startJob(
  mx: MxClient,
  name: string,
  input: StartJobInput,
  start: (userGuid: string, memberGuid: string, options: { signal?: AbortSignal }) => Promise<Parameters<typeof toMemberState>[0]>,
): Promise<JobStart> {
  requireMember(name, input);
  if (input.wasBeingAggregated !== undefined && typeof input.wasBeingAggregated !== 'boolean') {
    throw invalidInput(`${name}: wasBeingAggregated must be true or false when given`);
  }
  const signal = cancellation();
  const wasBeingAggregated =
    input.wasBeingAggregated ?? (await mx.readMemberStatus(input.userGuid, input.memberGuid, { signal })).is_being_aggregated === true;
  const member = toMemberState(await start(input.userGuid, input.memberGuid, { signal }));
  return { started: !wasBeingAggregated && member.isBeingAggregated, member };
}

/**
 * Statuses a run passes through on its way to CONNECTED (or stops at to ask for MFA answers, which
 * come with their own labels): MX's message for them says nothing the status does not.
 */
const ON_THE_WAY = new Set(['CREATED', 'UPDATED', 'RESUMED', 'RECONNECTED', 'CONNECTED', 'CHALLENGED']);

function messageMatters(status: string | null | undefined): boolean {
  return !ON_THE_WAY.has(status ?? '');
}

function requireMember(activity: string, input: MemberRef): void {
  if (!input?.userGuid || !input.memberGuid) throw invalidInput(`${activity}: userGuid and memberGuid are required`);
}
