/* eslint-disable @typescript-eslint/no-explicit-any -- wire JSON: the assertions and the OpenAPI validator check its shape */
// Every MX Bank outcome: the password picks the end state, the MFA answer the outcome of a resume.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHALLENGE_PASSWORDS, END_STATE_PASSWORDS } from '../../src/sandbox/mx-bank';
import { type Sandbox, startSandbox } from '../../src/sandbox/server';
import { PASSWORD_GUID, SandboxClient } from './helpers/client';

let sandbox: Sandbox;
let client: SandboxClient;
let userGuid: string;
let users = 0;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, jobDurationMs: 100 });
  client = new SandboxClient(sandbox.url);
});
afterAll(async () => {
  await sandbox.close();
});

// A user per member: the same credentials twice on one user would be a duplicate (409).
async function memberWith(password: string, username = 'mxuser') {
  userGuid = await client.createUser(`mx-bank-${++users}`);
  const created = await client.createMember(userGuid, password, {}, username);
  expect(created.status).toBe(202);
  const guid = created.json.member.guid as string;
  return { guid, path: `/users/${userGuid}/members/${guid}`, status: await client.settle(userGuid, guid) };
}

async function answer(path: string, value: string) {
  const challenges = await client.get(`${path}/challenges`);
  expect(challenges.status).toBe(200);
  const answers = challenges.json.challenges.map((c: any) => ({ guid: c.guid, value }));
  const resumed = await client.put(`${path}/resume`, { member: { challenges: answers } });
  expect(resumed.status).toBe(202);
  return resumed;
}

describe('MX Bank passwords', () => {
  it('an ordinary password connects and brings accounts', async () => {
    const { status, path } = await memberWith('password');
    expect(status).toMatchObject({ connection_status: 'CONNECTED', is_being_aggregated: false, has_processed_accounts: true });
    expect(status.successfully_aggregated_at).not.toBeNull();
    expect((await client.get(`${path}/accounts`)).json.accounts.length).toBeGreaterThanOrEqual(4);
  });

  it.each(Object.entries(END_STATE_PASSWORDS))('password %s ends the job in %s', async (password, expected) => {
    const { status, path } = await memberWith(password);
    expect(status).toMatchObject({ connection_status: expected, is_being_aggregated: false });
    expect(status.successfully_aggregated_at).toBeNull();
    expect((await client.get(`${path}/challenges`)).status).toBe(204);
  });

  it('the documented rows: BAD_REQUEST -> FAILED, INVALID and UNAUTHORIZED -> DENIED', () => {
    expect(END_STATE_PASSWORDS).toMatchObject({ BAD_REQUEST: 'FAILED', INVALID: 'DENIED', UNAUTHORIZED: 'DENIED' });
    for (const status of [
      'LOCKED',
      'IMPEDED',
      'PREVENTED',
      'DEGRADED',
      'DISCONNECTED',
      'IMPAIRED',
      'EXPIRED',
      'DISABLED',
      'DISCONTINUED',
      'CLOSED',
      'DELAYED',
    ]) {
      expect(END_STATE_PASSWORDS[status]).toBe(status);
    }
  });

  it('a username other than mxuser is DENIED and needs new credentials', async () => {
    const { status, path } = await memberWith('password', 'someone');
    expect(status.connection_status).toBe('DENIED');
    expect((await client.get(path)).json.member.needs_updated_credentials).toBe(true);
  });

  it('a missing password is IMPAIRED', async () => {
    const created = await client.post(`/users/${userGuid}/members`, {
      member: { institution_code: 'mxbank', credentials: [{ guid: 'CRD-9f61fb4c-912c-bd1e-b175-ccc7f0275cc1', value: 'mxuser' }] },
    });
    expect((await client.settle(userGuid, created.json.member.guid)).connection_status).toBe('IMPAIRED');
  });
});

describe('MX Bank challenges', () => {
  it('the documented passwords and the challenge each asks', () => {
    // The guide's table, checked here once; the tests below and elsewhere iterate CHALLENGE_PASSWORDS.
    const rows = Object.entries(CHALLENGE_PASSWORDS).map(([password, type]) => `${password}=${type}`);
    expect(rows.join(' ')).toBe('challenge=TEXT options=OPTIONS image=IMAGE_DATA token=TOKEN image_options=IMAGE_OPTIONS');
  });

  it.each(Object.entries(CHALLENGE_PASSWORDS))('password %s asks a %s challenge; "correct" connects', async (password, type) => {
    const { status, path } = await memberWith(password);
    expect(status).toMatchObject({ connection_status: 'CHALLENGED', is_being_aggregated: true });
    expect(status.challenges).toHaveLength(1);
    const challenge = status.challenges[0];
    expect(challenge).toMatchObject({ type, guid: expect.stringMatching(/^CRD-/) });
    if (type === 'OPTIONS') expect(challenge.options.map((o: any) => o.value)).toContain('correct');
    if (type === 'IMAGE_OPTIONS') expect(challenge.image_options[0].data_uri).toMatch(/^data:image\/png;base64,/);
    if (type === 'IMAGE_DATA') expect(challenge.image_data).toMatch(/^data:image\/png;base64,/);
    await answer(path, 'correct');
    expect((await client.get(`${path}/status`)).json.member.connection_status).toBe('RESUMED');
    expect(await client.settle(userGuid, path.split('/').pop()!)).toMatchObject({
      connection_status: 'CONNECTED',
      is_being_aggregated: false,
    });
  });

  it('answering "challenge" asks a follow-up question with a new guid', async () => {
    const { status, path, guid } = await memberWith('challenge');
    const firstGuid = status.challenges[0].guid;
    await answer(path, 'challenge');
    const followUp = await client.settle(userGuid, guid);
    expect(followUp.connection_status).toBe('CHALLENGED');
    expect(followUp.challenges[0].guid).not.toBe(firstGuid);
    expect(followUp.challenges[0].label).not.toBe(status.challenges[0].label);
    await answer(path, 'correct');
    expect((await client.settle(userGuid, guid)).connection_status).toBe('CONNECTED');
  });

  it('any other answer is REJECTED and ends the job', async () => {
    const { path, guid } = await memberWith('options');
    await answer(path, 'wrong');
    expect(await client.settle(userGuid, guid)).toMatchObject({ connection_status: 'REJECTED', is_being_aggregated: false });
  });

  it('an end-state password as the answer simulates an error at the MFA step', async () => {
    const { path, guid } = await memberWith('challenge');
    await answer(path, 'LOCKED');
    expect((await client.settle(userGuid, guid)).connection_status).toBe('LOCKED');
  });

  it('resume checks its answers and the member state', async () => {
    const { path } = await memberWith('challenge');
    const empty = await client.put(`${path}/resume`, { member: { challenges: [] } });
    expect(empty.status).toBe(400);
    expect(empty.json.error.message).toMatch(/has no answer/);
    const stranger = await client.put(`${path}/resume`, { member: { challenges: [{ guid: 'CRD-unknown', value: 'correct' }] } });
    expect(stranger.status).toBe(400);
    const connected = await memberWith('password');
    const notChallenged = await client.put(`${connected.path}/resume`, { member: { challenges: [{ guid: 'CRD-x', value: 'correct' }] } });
    expect(notChallenged.status).toBe(405);
  });

  it('a retried identical resume is accepted again; different answers are not', async () => {
    // RESUMED lasts half a job: 2 s here, so the three calls land in it even on a loaded machine.
    const slow = await startSandbox({ port: 0, jobDurationMs: 4_000 });
    try {
      const c = new SandboxClient(slow.url);
      const user = await c.createUser('resume-retry');
      const guid = (await c.createMember(user, 'challenge')).json.member.guid;
      await c.settle(user, guid, 10_000);
      const path = `/users/${user}/members/${guid}`;
      const challengeGuid = (await c.get(`${path}/challenges`)).json.challenges[0].guid;
      const body = { member: { challenges: [{ guid: challengeGuid, value: 'correct' }] } };
      expect((await c.put(`${path}/resume`, body)).status).toBe(202);
      expect((await c.put(`${path}/resume`, body)).status).toBe(202);
      const changed = await c.put(`${path}/resume`, { member: { challenges: [{ guid: challengeGuid, value: 'other' }] } });
      expect(changed.status).toBe(405);
    } finally {
      await slow.close();
    }
  });
});

describe('challenge expiry', () => {
  it('an unanswered challenge turns EXPIRED after challengeExpiryMs', async () => {
    const quick = await startSandbox({ port: 0, jobDurationMs: 50, challengeExpiryMs: 300 });
    try {
      const c = new SandboxClient(quick.url);
      const user = await c.createUser('expiry');
      const guid = (await c.createMember(user, 'challenge')).json.member.guid;
      expect((await c.settle(user, guid)).connection_status).toBe('CHALLENGED');
      await new Promise((resolve) => setTimeout(resolve, 350));
      const status = (await c.get(`/users/${user}/members/${guid}/status`)).json.member;
      expect(status).toMatchObject({ connection_status: 'EXPIRED', is_being_aggregated: false });
      expect(status.challenges).toBeUndefined();
      expect((await c.get(`/users/${user}/members/${guid}/challenges`)).status).toBe(204);
    } finally {
      await quick.close();
    }
  });
});

describe('new credentials', () => {
  it('restart aggregation, unless skip_aggregation', async () => {
    const { path, guid } = await memberWith('INVALID');
    const updated = await client.put(path, { member: { credentials: [{ guid: PASSWORD_GUID, value: 'password' }] } });
    expect(updated.status).toBe(200);
    expect(updated.json.member).toMatchObject({ connection_status: 'UPDATED', is_being_aggregated: true });
    expect((await client.settle(userGuid, guid)).connection_status).toBe('CONNECTED');
    const skipped = await client.put(path, { member: { skip_aggregation: true, credentials: [{ guid: PASSWORD_GUID, value: 'LOCKED' }] } });
    expect(skipped.json.member.is_being_aggregated).toBe(false);
    expect((await client.post(`${path}/aggregate`)).status).toBe(202);
    expect((await client.settle(userGuid, guid)).connection_status).toBe('LOCKED');
  });
});
