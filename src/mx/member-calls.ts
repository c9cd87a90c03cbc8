// The member calls of the MX client (src/mx/client.ts): create, read, update and list members, their
// status, the aggregation and statements jobs, and MFA challenges and their answers.
import type { CredentialValue, MemberCallOptions, MxClient } from './client-types';
import { emptyPagination, lister, must, path } from './call-helpers';
import type { MxHttp } from './http';
import { paginate } from './pagination';
import type { MxVersion } from './versions';
import { challengeSchema, envelope, listEnvelope, memberSchema, memberStatusSchema, type MxChallenge } from './schemas';

const members = listEnvelope('members', memberSchema);
const challenges = listEnvelope('challenges', challengeSchema);
const member = envelope('member', memberSchema);
const memberStatus = envelope('member', memberStatusSchema);

type MemberCalls = Pick<
  MxClient,
  | 'createMember'
  | 'readMember'
  | 'updateMember'
  | 'listMembers'
  | 'readMemberStatus'
  | 'aggregateMember'
  | 'fetchStatements'
  | 'resumeAggregation'
  | 'listMemberChallenges'
>;

/** A call that answers with one member. */
interface MemberRequest {
  endpoint: string;
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  body?: unknown;
  /** Values that must never appear in an error or log (credentials, MFA answers). */
  secrets?: string[];
  /** What a 409 means for this call. */
  conflict?: 'job' | 'duplicate';
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

export function memberCalls(http: MxHttp, version: MxVersion): MemberCalls {
  const memberPath = (userGuid: string, memberGuid: string, tail = '') => path`/users/${userGuid}/members/${memberGuid}` + tail;
  const sendForMember = async (request: MemberRequest) => (await must(http.json({ ...request, schema: member }))).member;
  const secretValues = (list: CredentialValue[] | undefined) => (list ?? []).map((credential) => credential.value);

  return {
    async createMember(userGuid, body, options) {
      return await sendForMember({
        endpoint: 'createMember',
        method: 'POST',
        path: path`/users/${userGuid}/members`,
        body: version.createMemberBody(body),
        secrets: secretValues(body.credentials),
        conflict: 'duplicate',
        signal: options?.signal,
        headers: callbackHeader(options),
      });
    },
    async readMember(userGuid, memberGuid, options) {
      return await sendForMember({
        endpoint: 'readMember',
        method: 'GET',
        path: memberPath(userGuid, memberGuid),
        signal: options?.signal,
      });
    },
    async updateMember(userGuid, memberGuid, body, options) {
      return await sendForMember({
        endpoint: 'updateMember',
        method: 'PUT',
        path: memberPath(userGuid, memberGuid),
        body: version.updateMemberBody(body),
        secrets: secretValues(body.credentials),
        conflict: 'duplicate',
        signal: options?.signal,
        headers: callbackHeader(options),
      });
    },
    listMembers(userGuid, options) {
      return lister(http, 'members', members, () => ({
        endpoint: 'listMembers',
        path: path`/users/${userGuid}/members`,
        signal: options?.signal,
      }));
    },
    async readMemberStatus(userGuid, memberGuid, options) {
      const at = memberPath(userGuid, memberGuid, '/status');
      return (
        await must(http.json({ endpoint: 'readMemberStatus', method: 'GET', path: at, schema: memberStatus, signal: options?.signal }))
      ).member;
    },
    async aggregateMember(userGuid, memberGuid, options) {
      const at = memberPath(userGuid, memberGuid, '/aggregate');
      return await sendForMember({ endpoint: 'aggregateMember', method: 'POST', path: at, conflict: 'job', signal: options?.signal });
    },
    async fetchStatements(userGuid, memberGuid, options) {
      const at = memberPath(userGuid, memberGuid, '/fetch_statements');
      return await sendForMember({ endpoint: 'fetchStatements', method: 'POST', path: at, conflict: 'job', signal: options?.signal });
    },
    async resumeAggregation(userGuid, memberGuid, answers, options) {
      return await sendForMember({
        endpoint: 'resumeAggregation',
        method: 'PUT',
        path: memberPath(userGuid, memberGuid, '/resume'),
        body: { member: { challenges: answers } },
        secrets: secretValues(answers),
        signal: options?.signal,
      });
    },
    async listMemberChallenges(userGuid, memberGuid, options) {
      const call = { endpoint: 'listMemberChallenges', path: memberPath(userGuid, memberGuid, '/challenges'), signal: options?.signal };
      // 204 (not challenged) is an empty list, so this reads its pages itself rather than with `lister`.
      const pages = paginate(async (page, recordsPerPage) => {
        const query = { page, records_per_page: recordsPerPage };
        const { data } = await http.json({ ...call, method: 'GET', query, schema: challenges, allowNoContent: true });
        return data ? { items: data.challenges, pagination: data.pagination } : { items: [], pagination: emptyPagination };
      });
      const all: MxChallenge[] = [];
      for await (const challenge of pages) all.push(challenge);
      return all;
    },
  };
}

/** MX's header for the value it repeats on the member's webhooks. */
export function callbackHeader(options: MemberCallOptions | undefined): Record<string, string> | undefined {
  return options?.callbackPayload ? { 'x-callback-payload': options.callbackPayload } : undefined;
}
