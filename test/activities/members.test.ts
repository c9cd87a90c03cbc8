import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes, randomUUID } from 'node:crypto';
import { createActivities } from '../../activities';
import type { EnsureMemberInput } from '../../activities/types';
import type { MxClient } from '../../src/mx/client';
import type { MxMember } from '../../src/mx/schemas';
import { CHALLENGE_PASSWORDS } from '../../src/sandbox/mx-bank';
import { connectMember, failureOf, idle, startHarness, waitForMember, type Harness } from './setup';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

describe('ensureUser', () => {
  it('creates the user once and finds it by partner id afterwards', async () => {
    const id = `partner-${randomUUID()}`;
    const first = await h.activities.ensureUser({ id, metadata: 'created by test' });
    const second = await h.activities.ensureUser({ id });
    expect(first).toMatchObject({ id, created: true });
    expect(first.guid).toMatch(/^USR-/);
    expect(second).toEqual({ guid: first.guid, id, created: false });
    const matches = [];
    for await (const u of h.mx.listUsers({ id })) matches.push(u);
    expect(matches).toHaveLength(1);
  });

  it('refuses a missing id as bad input', async () => {
    const failure = await failureOf(h.activities.ensureUser({ id: '' }));
    expect(failure).toMatchObject({ type: 'InvalidActivityInput', nonRetryable: true });
  });
});

describe('findInstitution', () => {
  it('reads by code with the credential fields in display order', async () => {
    const institution = await h.activities.findInstitution({ code: 'mxbank', requireStatements: true });
    expect(institution).toMatchObject({ code: 'mxbank', name: 'MX Bank', supportsAccountStatement: true });
    expect(institution.credentials.map((c) => [c.guid, c.fieldName])).toEqual([
      ['CRD-9f61fb4c-912c-bd1e-b175-ccc7f0275cc1', 'LOGIN'],
      ['CRD-e3d7ea81-aac7-05e9-fbdd-4b493c6e474d', 'PASSWORD'],
    ]);
  });

  it('searches by name, only among statement institutions when statements are required', async () => {
    const institution = await h.activities.findInstitution({ name: 'MX Bank', requireStatements: true });
    expect(institution.code).toBe('mxbank');
  });

  it('names what it searched when nothing matches', async () => {
    const byCode = await failureOf(h.activities.findInstitution({ code: 'no_such_bank', requireStatements: false }));
    expect(byCode).toMatchObject({ type: 'InstitutionNotFound', nonRetryable: true });
    expect(byCode.message).toContain('no_such_bank');
    const byName = await failureOf(h.activities.findInstitution({ name: 'Nowhere Credit Union', requireStatements: true }));
    expect(byName).toMatchObject({ type: 'InstitutionNotFound', nonRetryable: true });
    expect(byName.message).toContain('"Nowhere Credit Union" supporting statements');
  });

  it('says clearly when the institution cannot give statements', async () => {
    const failure = await failureOf(h.activities.findInstitution({ code: 'mxcu', requireStatements: true }));
    expect(failure).toMatchObject({ type: 'InstitutionUnsupported', nonRetryable: true });
    expect(failure.message).toContain('does not support account statements');
  });
});

describe('ensureMember', () => {
  it('matches values by label or field name, any case, and reuses the member on a duplicate', async () => {
    const user = await h.activities.ensureUser({ id: `partner-${randomUUID()}` });
    const institution = await h.activities.findInstitution({ code: 'mxbank', requireStatements: false });
    const input = {
      userGuid: user.guid,
      institutionCode: 'mxbank',
      credentialFields: institution.credentials,
      credentials: { username: 'mxuser', PASSWORD: 'password' },
      id: 'member-1',
      metadata: '{"source":"test"}',
      skipAggregation: true,
    };
    const created = await h.activities.ensureMember(input);
    expect(created).toMatchObject({ reused: false, isBeingAggregated: false });
    const again = await h.activities.ensureMember(input);
    expect(again).toMatchObject({ guid: created.guid, reused: true });
    const members = [];
    for await (const m of h.mx.listMembers(user.guid)) members.push(m);
    expect(members.map((m) => [m.guid, m.id, m.metadata])).toEqual([[created.guid, 'member-1', '{"source":"test"}']]);
  });

  it('names the missing and unknown fields, never the values', async () => {
    const institution = await h.activities.findInstitution({ code: 'mxbank', requireStatements: false });
    const failure = await failureOf(
      h.activities.ensureMember({
        userGuid: 'USR-x',
        institutionCode: 'mxbank',
        credentialFields: institution.credentials,
        credentials: { Username: 'mxuser', pin: 's3cret-pin' },
        skipAggregation: true,
      }),
    );
    expect(failure).toMatchObject({ type: 'CredentialsMismatch', nonRetryable: true });
    expect(failure.message).toContain('missing a value for PASSWORD');
    expect(failure.message).toContain('no credential field named pin');
    expect(failure.message).not.toContain('s3cret-pin');
    expect(failure.message).not.toContain('mxuser');
  });
});

describe('ensureMember with several members of one user at one institution', () => {
  /** The real client, with every updateMember call recorded: which member, and whether credentials went. */
  const recording = (mx: MxClient) => {
    const updates: { memberGuid: string; credentials: boolean }[] = [];
    const client: MxClient = {
      ...mx,
      updateMember: (userGuid, memberGuid, member, options) => {
        updates.push({ memberGuid, credentials: member.credentials !== undefined });
        return mx.updateMember(userGuid, memberGuid, member, options);
      },
    };
    return { client, updates };
  };
  const membersOf = async (userGuid: string) => {
    const members: MxMember[] = [];
    for await (const m of h.mx.listMembers(userGuid)) members.push(m);
    return members;
  };
  const memberInput = async (password: string): Promise<EnsureMemberInput> => {
    const user = await h.activities.ensureUser({ id: `partner-${randomUUID()}` });
    const institution = await h.activities.findInstitution({ code: 'mxbank', requireStatements: false });
    return {
      userGuid: user.guid,
      institutionCode: 'mxbank',
      credentialFields: institution.credentials,
      credentials: { username: 'mxuser', password },
      skipAggregation: true,
    };
  };
  const key = randomBytes(32);

  it('finds the member with these credentials on a 409 and writes no credentials to any member', async () => {
    const { client, updates } = recording(h.mx);
    const activities = createActivities({ mx: client, storage: h.storage, clock: { now: () => new Date() }, memberIdKeys: [key] });
    const first = await memberInput('password');
    const second = { ...first, credentials: { username: 'mxuser', password: 'second-password' } };
    const a = await activities.ensureMember(first);
    const b = await activities.ensureMember(second);
    expect(b.guid).not.toBe(a.guid);
    const before = await membersOf(first.userGuid);
    expect(before.map((m) => m.id)).toEqual([expect.stringMatching(/^mtg-[\w-]{32}$/), expect.stringMatching(/^mtg-[\w-]{32}$/)]);
    expect(new Set(before.map((m) => m.id)).size).toBe(2);

    // Re-runs: the second member first, which the old code missed (it took the first member at mxbank).
    expect(await activities.ensureMember(second)).toMatchObject({ guid: b.guid, reused: true });
    expect(await activities.ensureMember(first)).toMatchObject({ guid: a.guid, reused: true });
    expect(updates).toEqual([
      { memberGuid: b.guid, credentials: false },
      { memberGuid: a.guid, credentials: false },
    ]);
    const after = await membersOf(first.userGuid);
    expect(after.map((m) => [m.guid, m.id, m.connection_status, m.most_recent_job_guid])).toEqual(
      before.map((m) => [m.guid, m.id, m.connection_status, m.most_recent_job_guid]),
    );
  });

  it("fails as MxDuplicate, touching nothing, when no member carries the id MX's 409 is about", async () => {
    const { client, updates } = recording(h.mx);
    const activities = createActivities({ mx: client, storage: h.storage, clock: { now: () => new Date() }, memberIdKeys: [key] });
    const input = await memberInput('s3cret-pass');
    // Another member of the user at mxbank (created by someone else, no id), then one with these credentials.
    await activities.ensureMember({ ...input, credentials: { username: 'mxuser', password: 'other-pass' }, id: 'someone-elses' });
    const fields = input.credentialFields;
    const foreign = await h.mx.createMember(input.userGuid, {
      institution_code: 'mxbank',
      credentials: [
        { guid: fields[0]!.guid, value: 'mxuser' },
        { guid: fields[1]!.guid, value: 's3cret-pass' },
      ],
      skip_aggregation: true,
    });
    updates.length = 0;
    const failure = await failureOf(activities.ensureMember(input));
    expect(failure).toMatchObject({ type: 'MxDuplicate', nonRetryable: true });
    expect(failure.message).toContain('already has a member at mxbank with these credentials');
    expect(failure.message).not.toContain('s3cret-pass');
    expect(updates).toEqual([]);
    expect((await membersOf(input.userGuid)).find((m) => m.guid === foreign.guid)?.id).toBeNull();
  });

  it("a memberId names the member: its credentials are updated, nobody else's", async () => {
    const { client, updates } = recording(h.mx);
    const activities = createActivities({ mx: client, storage: h.storage, clock: { now: () => new Date() }, memberIdKeys: [key] });
    const input = { ...(await memberInput('password')), id: 'checking-at-mxbank' };
    const other = await activities.ensureMember({
      ...input,
      id: 'savings-at-mxbank',
      credentials: { username: 'mxuser', password: 'other-pass' },
    });
    const named = await activities.ensureMember(input);
    const renewed = await activities.ensureMember({ ...input, credentials: { username: 'mxuser', password: 'new-password' } });
    expect(renewed).toMatchObject({ guid: named.guid, reused: true });
    expect(updates).toEqual([{ memberGuid: named.guid, credentials: true }]);
    expect((await membersOf(input.userGuid)).map((m) => m.guid).sort()).toEqual([other.guid, named.guid].sort());
  });

  it('finds members created under a previous key after a key rotation, and gives them the current id', async () => {
    const input = await memberInput('password');
    const old = createActivities({ mx: h.mx, storage: h.storage, clock: { now: () => new Date() }, memberIdKeys: [key] });
    const created = await old.ensureMember(input);
    const [idBefore] = (await membersOf(input.userGuid)).map((m) => m.id);
    const rotated = createActivities({
      mx: h.mx,
      storage: h.storage,
      clock: { now: () => new Date() },
      memberIdKeys: [randomBytes(32), key],
    });
    expect(await rotated.ensureMember(input)).toMatchObject({ guid: created.guid, reused: true });
    const [idAfter] = (await membersOf(input.userGuid)).map((m) => m.id);
    expect(idAfter).toMatch(/^mtg-/);
    expect(idAfter).not.toBe(idBefore);
    expect(await rotated.ensureMember(input)).toMatchObject({ guid: created.guid, reused: true });
  });
});

describe('jobs and status', () => {
  it('polls a new member to CONNECTED, then aggregates once', async () => {
    const ref = await connectMember(h, 'password');
    const connected = await waitForMember(h, ref, idle);
    expect(connected).toMatchObject({ connectionStatus: 'CONNECTED', isBeingAggregated: false });
    expect(connected.successfullyAggregatedAt).toEqual(expect.any(String));

    const first = await h.activities.startAggregation(ref);
    expect(first).toMatchObject({ started: true, member: { isBeingAggregated: true } });
    const second = await h.activities.startAggregation(ref);
    expect(second.started).toBe(false);

    const conflict = await failureOf(h.activities.startStatementsJob(ref));
    expect(conflict).toMatchObject({ type: 'MxJobConflict', nonRetryable: true });
    await waitForMember(h, ref, idle);
    const statements = await h.activities.startStatementsJob(ref);
    expect(statements.started).toBe(true);
  });

  it("reads MX's message only where it says something: an end state, not a poll on the way to CONNECTED", async () => {
    const ended = await connectMember(h, 'DENIED');
    const denied = await waitForMember(h, ended, idle);
    expect(denied.connectionStatus).toBe('DENIED');
    expect(denied.connectionStatusMessage).toEqual(expect.any(String));
    const ok = await connectMember(h, 'password');
    const connected = await waitForMember(h, ok, idle);
    expect(connected.connectionStatus).toBe('CONNECTED');
    expect(connected.connectionStatusMessage).toBeNull();
  });

  it('answers 400 as MxBadRequest when the institution has no statements', async () => {
    const ref = await connectMember(h, 'password', 'mxcu');
    await waitForMember(h, ref, idle);
    const failure = await failureOf(h.activities.startStatementsJob(ref));
    expect(failure).toMatchObject({ type: 'MxBadRequest', nonRetryable: true });
  });

  it('lists no challenges for a member that is not challenged', async () => {
    const ref = await connectMember(h, 'password');
    await waitForMember(h, ref, idle);
    expect(await h.activities.listChallenges(ref)).toEqual([]);
  });
});

describe('MFA', () => {
  it.each(Object.entries(CHALLENGE_PASSWORDS))('password %s raises a %s challenge that "correct" answers', async (password, type) => {
    const ref = await connectMember(h, password);
    await waitForMember(h, ref, (s) => s.connectionStatus === 'CHALLENGED');
    const challenges = await h.activities.listChallenges(ref);
    expect(challenges).toHaveLength(1);
    const [challenge] = challenges;
    expect(challenge).toMatchObject({ type, guid: expect.stringMatching(/^CRD-/) });
    if (type === 'OPTIONS') expect(challenge?.options?.map((o) => o.value)).toContain('correct');
    if (type === 'IMAGE_OPTIONS') expect(challenge?.imageOptions?.[0]?.dataUri).toEqual(expect.any(String));
    if (type === 'IMAGE_DATA') expect(challenge?.imageData).toEqual(expect.any(String));

    const resumed = await h.activities.resumeMember({ ...ref, answers: [{ guid: challenge!.guid, value: 'correct' }] });
    expect(resumed.connectionStatus).toBe('RESUMED');
    const done = await waitForMember(h, ref, idle);
    expect(done.connectionStatus).toBe('CONNECTED');
  });

  it('a wrong answer leaves the member REJECTED', async () => {
    const ref = await connectMember(h, 'challenge');
    await waitForMember(h, ref, (s) => s.connectionStatus === 'CHALLENGED');
    const [challenge] = await h.activities.listChallenges(ref);
    await h.activities.resumeMember({ ...ref, answers: [{ guid: challenge!.guid, value: 'Paris' }] });
    expect((await waitForMember(h, ref, idle)).connectionStatus).toBe('REJECTED');
  });

  it('resuming a member that is not challenged is MxMethodNotAllowed', async () => {
    const ref = await connectMember(h, 'password');
    await waitForMember(h, ref, idle);
    const failure = await failureOf(h.activities.resumeMember({ ...ref, answers: [{ guid: 'CRD-x', value: 'correct' }] }));
    expect(failure).toMatchObject({ type: 'MxMethodNotAllowed', nonRetryable: true });
  });

  it('refuses an empty answer list before calling MX', async () => {
    const failure = await failureOf(h.activities.resumeMember({ userGuid: 'USR-1', memberGuid: 'MBR-1', answers: [] }));
    expect(failure).toMatchObject({ type: 'InvalidActivityInput', nonRetryable: true });
  });
});
