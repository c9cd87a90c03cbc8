// Members: create, read, update, delete, list, status, aggregate, challenges, resume, credentials.
import type { FastifyInstance } from 'fastify';
import {
  credentialList,
  optionalBoolean,
  optionalString,
  optionalStringArray,
  queryBoolean,
  requiredString,
  wrapped,
  type CredentialValue,
} from '../body';
import { challengeView } from '../challenges';
import { createPlan, rejectSkipAggregation } from '../data-request';
import { badRequest, conflict, notFound } from '../errors';
import { credentialView, findInstitution, type Institution } from '../institutions';
import { cancelJob, resume, startJob } from '../lifecycle';
import { MAX_PER_PAGE, paginate, parsePageRequest } from '../pagination';
import type { Member } from '../store';
import { memberStatusView, memberView } from '../views';
import type { Params, Query, RouteContext } from './context';

const USE_CASES = ['PFM', 'MONEY_MOVEMENT'] as const;
const MEMBER = '/users/:user_guid/members/:member_guid';

export function registerMemberRoutes(app: FastifyInstance, { state, storeOf, versionOf }: RouteContext): void {
  const load = (request: { params: unknown }, store: ReturnType<typeof storeOf>) => {
    const { user_guid, member_guid } = request.params as Params;
    const member = state.member(store, user_guid!, member_guid!);
    return { member, userId: state.user(store, user_guid!).id };
  };

  app.post('/users/:user_guid/members', async (request, reply) => {
    const store = storeOf(request);
    const user = state.user(store, (request.params as Params).user_guid!);
    const fields = wrapped(request.body, 'member', true);
    const code = requiredString(fields, 'institution_code', 'member.institution_code');
    const institution = findInstitution(code);
    if (!institution) throw notFound(`member.institution_code: institution ${code} was not found`);
    const credentials = credentialMap(institution, credentialList(fields, 'credentials', 'member.credentials', true)!);
    const plan = createPlan(versionOf(request), request.body as Record<string, unknown>, fields, institution);
    const duplicate = store.membersOf(user.guid).find((m) => m.institutionCode === code && sameCredentials(m.credentials, credentials));
    if (duplicate) throw conflict(`This user already has a member for ${institution.name} with these credentials (${duplicate.guid})`);
    const member: Member = {
      guid: store.newGuid('MBR'),
      userGuid: user.guid,
      institutionCode: code,
      credentials,
      id: optionalString(fields, 'id', 'member.id') ?? null,
      metadata: optionalString(fields, 'metadata', 'member.metadata') ?? null,
      backgroundAggregationIsDisabled:
        optionalBoolean(fields, 'background_aggregation_is_disabled', 'member.background_aggregation_is_disabled') ?? false,
      useCases: optionalStringArray(fields, 'use_cases', 'member.use_cases', USE_CASES) ?? ['PFM'],
      connectionStatus: 'CREATED',
      isAuthenticated: false,
      aggregatedAt: null,
      successfullyAggregatedAt: null,
      mostRecentJobGuid: null,
      job: null,
      accounts: null,
      dataAsOf: null,
      statements: [],
      ...callbackPayloadOf(request.headers),
    };
    store.members.set(member.guid, member);
    const started = plan.job !== null && startJob(store, member, plan.job, state.now(), 'CREATED');
    return reply.code(plan.failed.length ? 201 : started ? 202 : 200).send({ member: memberView(member, user.id) });
  });

  app.get('/users/:user_guid/members', async (request) => {
    const store = storeOf(request);
    const user = state.user(store, (request.params as Params).user_guid!);
    const page = parsePageRequest(request.query as Query, MAX_PER_PAGE.default);
    const members = store.membersOf(user.guid).map((m) => state.member(store, user.guid, m.guid));
    const { items, pagination } = paginate(members, page);
    return { members: items.map((m) => memberView(m, user.id)), pagination };
  });

  app.get(MEMBER, async (request) => {
    const { member, userId } = load(request, storeOf(request));
    return { member: memberView(member, userId) };
  });

  app.put(MEMBER, async (request) => {
    const store = storeOf(request);
    const { member, userId } = load(request, store);
    const fields = wrapped(request.body, 'member', true);
    const institution = findInstitution(member.institutionCode)!;
    const credentials = credentialList(fields, 'credentials', 'member.credentials', false);
    const id = optionalString(fields, 'id', 'member.id');
    const metadata = optionalString(fields, 'metadata', 'member.metadata');
    const backgroundDisabled = optionalBoolean(fields, 'background_aggregation_is_disabled', 'member.background_aggregation_is_disabled');
    if (versionOf(request) === 'v20250224') rejectSkipAggregation(fields);
    const skipAggregation = optionalBoolean(fields, 'skip_aggregation', 'member.skip_aggregation') ?? false;
    const useCases = optionalStringArray(fields, 'use_cases', 'member.use_cases', USE_CASES);
    if (id !== undefined) member.id = id;
    if (metadata !== undefined) member.metadata = metadata;
    if (backgroundDisabled !== undefined) member.backgroundAggregationIsDisabled = backgroundDisabled;
    if (useCases) member.useCases = useCases;
    Object.assign(member, callbackPayloadOf(request.headers));
    if (credentials) {
      for (const [guid, value] of credentialMap(institution, credentials)) member.credentials.set(guid, value);
      // New credentials replace whatever job was running, and start an aggregation unless told not to.
      cancelJob(member);
      if (skipAggregation) member.connectionStatus = 'UPDATED';
      else startJob(store, member, 'aggregation', state.now(), 'UPDATED');
    }
    return { member: memberView(member, userId) };
  });

  app.delete(MEMBER, async (request, reply) => {
    const store = storeOf(request);
    const { member } = load(request, store);
    store.members.delete(member.guid);
    return reply.code(204).send();
  });

  app.get(`${MEMBER}/status`, async (request) => {
    const { member } = load(request, storeOf(request));
    return { member: memberStatusView(member, state.challengeLabel) };
  });

  app.post(`${MEMBER}/aggregate`, async (request, reply) => {
    const store = storeOf(request);
    const query = request.query as Query;
    queryBoolean(query, 'include_holdings');
    queryBoolean(query, 'include_transactions');
    const { member, userId } = load(request, store);
    startJob(store, member, 'aggregation', state.now());
    return reply.code(202).send({ member: memberView(member, userId) });
  });

  app.get(`${MEMBER}/challenges`, async (request, reply) => {
    const { member } = load(request, storeOf(request));
    if (member.connectionStatus !== 'CHALLENGED' || !member.job) return reply.code(204).send();
    const page = parsePageRequest(request.query as Query, MAX_PER_PAGE.default);
    const { items, pagination } = paginate(member.job.challenges, page);
    return { challenges: items.map((challenge) => challengeView(challenge, state.challengeLabel)), pagination };
  });

  app.put(`${MEMBER}/resume`, async (request, reply) => {
    const store = storeOf(request);
    const { member, userId } = load(request, store);
    const fields = wrapped(request.body, 'member', true);
    resume(member, credentialList(fields, 'challenges', 'member.challenges', true)!, state.now());
    return reply.code(202).send({ member: memberView(member, userId) });
  });

  app.get(`${MEMBER}/credentials`, async (request) => {
    const { member } = load(request, storeOf(request));
    const institution = findInstitution(member.institutionCode)!;
    const { items, pagination } = paginate(institution.credentials, parsePageRequest(request.query as Query, MAX_PER_PAGE.default));
    return { credentials: items.map(credentialView), pagination };
  });
}

/** guid -> value, after checking every guid is one of the institution's credentials. */
function credentialMap(institution: Institution, credentials: CredentialValue[]): Map<string, string> {
  const map = new Map<string, string>();
  credentials.forEach((credential, i) => {
    if (!institution.credentials.some((field) => field.guid === credential.guid)) {
      throw badRequest(`member.credentials[${i}].guid ${credential.guid} is not a credential of institution ${institution.code}`);
    }
    map.set(credential.guid, credential.value);
  });
  return map;
}

function sameCredentials(a: Map<string, string>, b: Map<string, string>): boolean {
  return a.size === b.size && [...a].every(([guid, value]) => b.get(guid) === value);
}

/** MX keeps the X-CALLBACK-PAYLOAD of a member create/update and repeats it on the member's webhooks. */
function callbackPayloadOf(headers: Record<string, string | string[] | undefined>): { callbackPayload?: string } {
  const value = headers['x-callback-payload'];
  return typeof value === 'string' && value !== '' ? { callbackPayload: value } : {};
}
