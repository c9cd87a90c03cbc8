/* eslint-disable @typescript-eslint/no-explicit-any -- wire JSON: the assertions and the OpenAPI validator check its shape */
// MX's job rules: the same job type running -> 202 and no new job; another type -> 409; duplicate
// members -> 409; statements on an institution without them -> 400.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/server';
import { SandboxClient, USERNAME_GUID } from './helpers/client';

let sandbox: Sandbox;
let client: SandboxClient;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, jobDurationMs: 400 });
  client = new SandboxClient(sandbox.url);
});
afterAll(async () => {
  await sandbox.close();
});

async function runningMember(id: string) {
  const user = await client.createUser(id);
  const created = await client.createMember(user, 'password');
  return {
    user,
    guid: created.json.member.guid as string,
    path: `/users/${user}/members/${created.json.member.guid}`,
    job: created.json.member.most_recent_job_guid,
  };
}

describe('jobs', () => {
  it('aggregate while an aggregation runs: 202, same job', async () => {
    const { path, job } = await runningMember('jobs-1');
    const again = await client.post(`${path}/aggregate`);
    expect(again.status).toBe(202);
    expect(again.json.member).toMatchObject({ is_being_aggregated: true, most_recent_job_guid: job });
  });

  it('fetch_statements while an aggregation runs: 409; and the other way round', async () => {
    const { path, user, guid } = await runningMember('jobs-2');
    const conflict = await client.post(`${path}/fetch_statements`);
    expect(conflict.status).toBe(409);
    expect(conflict.json.error.message).toMatch(/already running/);
    await client.settle(user, guid);
    const statements = await client.post(`${path}/fetch_statements`);
    expect(statements.status).toBe(202);
    const job = statements.json.member.most_recent_job_guid;
    expect(job).toMatch(/^JOB-/);
    expect((await client.post(`${path}/fetch_statements`)).json.member.most_recent_job_guid).toBe(job);
    expect((await client.post(`${path}/aggregate`)).status).toBe(409);
    await client.settle(user, guid);
    expect((await client.post(`${path}/aggregate`)).status).toBe(202);
  });

  it('a second statements job adds no duplicate statements', async () => {
    const { path, user, guid } = await runningMember('jobs-3');
    await client.settle(user, guid);
    await client.post(`${path}/fetch_statements`);
    await client.settle(user, guid);
    const first = (await client.get(`${path}/statements`)).json.pagination.total_entries;
    await client.post(`${path}/fetch_statements`);
    await client.settle(user, guid);
    expect((await client.get(`${path}/statements`)).json.pagination.total_entries).toBe(first);
    expect(first).toBe(15);
  });

  it('the same user, institution and credentials twice: 409', async () => {
    const user = await client.createUser('jobs-4');
    expect((await client.createMember(user, 'password')).status).toBe(202);
    const duplicate = await client.createMember(user, 'password');
    expect(duplicate.status).toBe(409);
    expect((await client.createMember(user, 'other-password')).status).toBe(202);
  });

  it('fetch_statements on an institution without statements: 400', async () => {
    const user = await client.createUser('jobs-5');
    const credentials = (await client.get('/institutions/mxcu/credentials')).json.credentials;
    const created = await client.post(`/users/${user}/members`, {
      member: {
        institution_code: 'mxcu',
        skip_aggregation: true,
        credentials: credentials.map((c: any, i: number) => ({ guid: c.guid, value: i === 0 ? 'mxuser' : 'password' })),
      },
    });
    expect(created.status).toBe(200);
    const refused = await client.post(`/users/${user}/members/${created.json.member.guid}/fetch_statements`);
    expect(refused.status).toBe(400);
    expect(refused.json.error.message).toMatch(/does not support statements/);
    expect((await client.get('/institutions?supports_account_statement=false')).json.institutions.map((i: any) => i.code)).toEqual([
      'mxcu',
    ]);
  });

  it('a job moves CREATED -> CONNECTED (still aggregating) -> CONNECTED (done)', async () => {
    const { path } = await runningMember('jobs-6');
    const seen: string[] = [];
    for (;;) {
      const { json } = await client.get(`${path}/status`);
      seen.push(`${json.member.connection_status}:${json.member.is_being_aggregated}`);
      if (!json.member.is_being_aggregated) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect([...new Set(seen)]).toEqual(['CREATED:true', 'CONNECTED:true', 'CONNECTED:false']);
  });
});

describe('wire', () => {
  it('401 without or with wrong Basic auth', async () => {
    expect((await client.get('/users', { auth: null })).status).toBe(401);
    const wrong = await client.get('/users', { auth: `Basic ${Buffer.from('sandbox-client:nope').toString('base64')}` });
    expect(wrong.status).toBe(401);
    expect(wrong.json.error.message).not.toContain('nope');
  });

  it('406 without the v1 Accept header, or with the JSON one on the PDF route', async () => {
    expect((await client.get('/users', { accept: null })).status).toBe(406);
    expect((await client.get('/users', { accept: 'application/json' })).status).toBe(406);
    expect((await client.get('/users/USR-x/members/MBR-x/statements/STA-x.pdf', { accept: 'application/vnd.mx.api.v1+json' })).status).toBe(
      406,
    );
  });

  it('GET / needs no auth and lists the test passwords', async () => {
    const home = await client.get('/', { auth: null, accept: null });
    expect(home.status).toBe(200);
    expect(home.json.mx_bank.passwords).toMatchObject({ challenge: 'CHALLENGED (TEXT)', token: 'CHALLENGED (TOKEN)', LOCKED: 'LOCKED' });
  });

  it('400 for malformed JSON and missing fields, naming the field; credentials never echoed', async () => {
    expect((await client.call('POST', '/users', { rawBody: '{"user": ' })).json.error.message).toMatch(/not valid JSON/);
    expect((await client.post('/users', { user: {} })).json.error.message).toMatch(/user cannot be empty/);
    expect((await client.post('/users', { user: { id: 5 } })).json.error.message).toMatch(/user\.id must be a string/);
    const user = await client.createUser('wire-1');
    const noCode = await client.post(`/users/${user}/members`, { member: { credentials: [] } });
    expect(noCode.status).toBe(400);
    expect(noCode.json.error.message).toMatch(/member\.institution_code is required/);
    const noCredentials = await client.post(`/users/${user}/members`, { member: { institution_code: 'mxbank' } });
    expect(noCredentials.json.error.message).toMatch(/member\.credentials is required/);
    const badGuid = await client.post(`/users/${user}/members`, {
      member: { institution_code: 'mxbank', credentials: [{ guid: 'CRD-nope', value: 'secret-value-123' }] },
    });
    expect(badGuid.status).toBe(400);
    expect(badGuid.bytes.toString()).not.toContain('secret-value-123');
    const noValue = await client.post(`/users/${user}/members`, {
      member: { institution_code: 'mxbank', credentials: [{ guid: USERNAME_GUID }] },
    });
    expect(noValue.json.error.message).toMatch(/credentials\[0\]\.value/);
    expect((await client.put(`/users/${user}`, { user: {} })).status).toBe(400);
    expect((await client.post(`/users/${user}/members`, [1, 2])).status).toBe(400);
  });

  it('404 for unknown guids and routes', async () => {
    const user = await client.createUser('wire-2');
    expect((await client.get('/users/USR-nope')).status).toBe(404);
    expect((await client.get(`/users/${user}/members/MBR-nope/status`)).status).toBe(404);
    expect((await client.get(`/users/${user}/accounts/ACT-nope`)).status).toBe(404);
    expect((await client.get('/institutions/nope/credentials')).status).toBe(404);
    const route = await client.get('/no/such/route');
    expect(route.status).toBe(404);
    expect(route.json.error.message).toMatch(/No route/);
    expect((await client.post(`/users/${user}/members`, { member: { institution_code: 'nope', credentials: [] } })).status).toBe(404);
  });

  it('409 for a second user with the same id', async () => {
    await client.createUser('wire-3');
    expect((await client.post('/users', { user: { id: 'wire-3' } })).status).toBe(409);
  });

  it('keeps each client_id apart', async () => {
    const two = await startSandbox({ port: 0, extraClients: [{ clientId: 'other-client', apiKey: 'other-key' }] });
    try {
      const first = new SandboxClient(two.url);
      const second = new SandboxClient(two.url, `Basic ${Buffer.from('other-client:other-key').toString('base64')}`);
      const user = await first.createUser('shared-id');
      expect((await second.get(`/users/${user}`)).status).toBe(404);
      expect((await second.get('/users')).json.users).toEqual([]);
      expect((await second.post('/users', { user: { id: 'shared-id' } })).status).toBe(200);
    } finally {
      await two.close();
    }
  });

  it('an empty POST body with Content-Type: application/json is accepted (as SDKs send)', async () => {
    const { path } = await runningMember('wire-4');
    const response = await client.call('POST', `${path}/aggregate`, { rawBody: '' });
    expect(response.status).toBe(202);
  });
});
