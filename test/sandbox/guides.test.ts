/* eslint-disable @typescript-eslint/no-explicit-any -- wire JSON: the assertions and the OpenAPI validator check its shape */
// Both MX guides' request sequences against the sandbox, every response checked against MX's OpenAPI
// document. A route that answers outside the document fails this test.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/server';
import { PASSWORD_GUID, SandboxClient, USERNAME_GUID } from './helpers/client';
import { SpecValidator } from './helpers/openapi';

let sandbox: Sandbox;
let client: SandboxClient;
const spec = new SpecValidator();

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, jobDurationMs: 200, transactionsPerAccount: 176 });
  client = new SandboxClient(sandbox.url);
});
afterAll(async () => {
  await sandbox.close();
});

describe('every response of both guides matches the OpenAPI document', () => {
  it('Fetch account and transaction data (with an MFA round)', async () => {
    const userGuid = await client.createUser('guide-a');
    const institutions = await client.get('/institutions?name=mxbank');
    expect(institutions.json.institutions.map((i: any) => i.code)).toEqual(['mxbank']);
    const credentials = await client.get('/institutions/mxbank/credentials');
    expect(credentials.json.credentials.map((c: any) => c.guid)).toEqual([USERNAME_GUID, PASSWORD_GUID]);

    const created = await client.createMember(userGuid, 'challenge', { id: 'member-a', metadata: 'm' });
    expect(created.status).toBe(202);
    expect(created.json.member).toMatchObject({ connection_status: 'CREATED', is_being_aggregated: true });
    const memberGuid = created.json.member.guid;
    const member = `/users/${userGuid}/members/${memberGuid}`;

    const challenged = await client.settle(userGuid, memberGuid);
    expect(challenged.connection_status).toBe('CHALLENGED');
    const challenges = await client.get(`${member}/challenges`);
    expect(challenges.status).toBe(200);
    const resumed = await client.put(`${member}/resume`, { member: { challenges: [{ guid: challenges.json.challenges[0].guid, value: 'correct' }] } });
    expect(resumed.status).toBe(202);
    expect(resumed.json.member.connection_status).toBe('RESUMED');
    const connected = await client.settle(userGuid, memberGuid);
    expect(connected).toMatchObject({ connection_status: 'CONNECTED', is_being_aggregated: false, is_authenticated: true });
    expect((await client.get(`${member}/challenges`)).status).toBe(204);

    const aggregate = await client.post(`${member}/aggregate`);
    expect(aggregate.status).toBe(202);
    expect(aggregate.json.member).toMatchObject({ connection_status: 'CONNECTED', is_being_aggregated: true });
    await client.settle(userGuid, memberGuid);

    const accounts = await client.get(`/users/${userGuid}/accounts`);
    const types = accounts.json.accounts.map((a: any) => a.type);
    expect(types).toEqual(expect.arrayContaining(['CHECKING', 'SAVINGS', 'CREDIT_CARD', 'LOAN']));
    const checking = accounts.json.accounts.find((a: any) => a.type === 'CHECKING');
    const transactions = await client.get(`/users/${userGuid}/accounts/${checking.guid}/transactions`);
    expect(transactions.json.pagination).toEqual({ current_page: 1, per_page: 25, total_entries: 176, total_pages: 8 });
    const page2 = await client.get(`/users/${userGuid}/accounts/${checking.guid}/transactions?records_per_page=100&page=2`);
    expect(page2.json.pagination).toEqual({ current_page: 2, per_page: 100, total_entries: 176, total_pages: 2 });
    expect(page2.json.transactions).toHaveLength(76);
    expect(new Set(page2.json.transactions.map((t: any) => t.status))).toEqual(new Set(['POSTED', 'PENDING']));

    await client.get(`/users/${userGuid}/transactions`);
    await client.get(`${member}/transactions`);
    await client.get(`${member}/accounts`);
    await client.get(`${member}/accounts/${checking.guid}`);
    await client.get(`/users/${userGuid}/accounts/${checking.guid}`);
    await client.get(member);
    await client.get(`/users/${userGuid}/members`);
    await client.get(`${member}/credentials`);
    await client.put(member, { member: { metadata: 'updated', skip_aggregation: true, credentials: [{ guid: PASSWORD_GUID, value: 'password' }] } });
    await client.put(`/users/${userGuid}`, { user: { email: 'new@example.com' } });
    await client.get(`/users?id=guide-a`);
    await client.get(`/users/${userGuid}`);
    await client.get('/institutions/mxbank');
    expect((await client.delete(member)).status).toBe(204);
    expect((await client.delete(`/users/${userGuid}`)).status).toBe(204);
  });

  it('Fetch statements', async () => {
    const userGuid = await client.createUser('guide-b');
    const institutions = await client.get('/institutions?name=mxbank&supports_account_statement=true');
    expect(institutions.json.institutions).toHaveLength(1);
    await client.get('/institutions/mxbank/credentials');
    const created = await client.createMember(userGuid, 'password', { skip_aggregation: true, id: 'statements-member', metadata: '{"a":1}' });
    expect(created.status).toBe(200);
    expect(created.json.member.is_being_aggregated).toBe(false);
    const memberGuid = created.json.member.guid;
    const member = `/users/${userGuid}/members/${memberGuid}`;

    const fetch = await client.post(`${member}/fetch_statements`);
    expect(fetch.status).toBe(202);
    expect(fetch.json.member.is_being_aggregated).toBe(true);
    expect(await client.settle(userGuid, memberGuid)).toMatchObject({ connection_status: 'CONNECTED', is_being_aggregated: false });

    const statements = await client.get(`${member}/statements`);
    expect(statements.json.statements.length).toBeGreaterThanOrEqual(3);
    const first = statements.json.statements[0];
    await client.get(`${member}/statements/${first.guid}`);
    const pdf = await client.get(first.uri);
    expect(pdf.status).toBe(200);
    expect(createHash('sha256').update(pdf.bytes).digest('hex')).toBe(first.content_hash);
  });

  it('all recorded exchanges conform', () => {
    expect(client.exchanges.length).toBeGreaterThan(30);
    const problems = client.exchanges.flatMap((exchange) => spec.problems(exchange));
    expect(problems).toEqual([]);
  });

  it('the validator itself rejects a response outside the document', () => {
    const bad = { method: 'GET', path: '/users/USR-x', status: 200, contentType: 'application/vnd.mx.api.v1+json', headers: new Headers(), json: { user: { is_disabled: 'no' } }, bytes: Buffer.from('{}') };
    expect(spec.problems(bad)).not.toEqual([]);
    expect(spec.problems({ ...bad, path: '/nope' })).not.toEqual([]);
    expect(spec.problems({ ...bad, status: 201 })).not.toEqual([]);
  });
});
