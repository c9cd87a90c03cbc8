/* eslint-disable @typescript-eslint/no-explicit-any -- wire JSON */
// The sandbox serves v20111101 and v20250224, chosen by each request's Accept-Version, and answers a
// missing or unknown version as MX does: 406 with MX's error envelope.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/server';
import { basicAuth, MX_JSON, PASSWORD_GUID, SandboxClient, USERNAME_GUID } from './helpers/client';

let sandbox: Sandbox;
let v1: SandboxClient;
let v2: SandboxClient;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, jobDurationMs: 200 });
  v1 = new SandboxClient(sandbox.url);
  v2 = new SandboxClient(sandbox.url, basicAuth(), 'v20250224');
});
afterAll(async () => {
  await sandbox.close();
});

const credentials = (password = 'password') => [
  { guid: USERNAME_GUID, value: 'mxuser' },
  { guid: PASSWORD_GUID, value: password },
];

describe('Accept-Version', () => {
  it.each([
    ['missing', null, MX_JSON],
    ['unknown', 'v20990101', MX_JSON],
    ['the release candidate, not served here', 'rc20260430', 'application/json'],
  ])("%s: 406 with MX's error envelope", async (_case, acceptVersion, accept) => {
    const answer = await v1.get('/users', { acceptVersion, accept });
    expect(answer.status).toBe(406);
    expect(answer.json.error.message).toMatch(/Accept-Version/);
    expect(answer.json.error.message).toContain('v20111101 or v20250224');
  });

  it('406 when Accept does not go with the version (vendor JSON for v20250224, plain JSON for v20111101)', async () => {
    expect((await v2.get('/users', { accept: MX_JSON })).status).toBe(406);
    expect((await v1.get('/users', { accept: 'application/json' })).status).toBe(406);
    const pdf = await v2.get('/users/U/members/M/statements/STA-1.pdf', { accept: 'application/json' });
    expect([pdf.status, pdf.json.error.message]).toEqual([406, expect.stringContaining('application/vnd.mx.api.v1+pdf')]);
  });

  it("answers in the version's media type, errors included", async () => {
    expect((await v2.get('/users')).contentType).toMatch(/^application\/json/);
    expect((await v2.get('/users/USR-nope')).contentType).toMatch(/^application\/json/);
    expect((await v1.get('/users')).contentType).toMatch(/^application\/vnd\.mx\.api\.v1\+json/);
  });

  it('the home page and the admin routes need no version', async () => {
    expect((await v1.get('/', { auth: null, accept: null, acceptVersion: null })).status).toBe(200);
    expect((await v1.get('/_sandbox/faults', { accept: null, acceptVersion: null })).status).toBe(200);
  });
});

describe('MX Bank behaves the same in both versions', () => {
  it.each(['password', 'challenge', 'options', 'INVALID', 'LOCKED', 'BAD_REQUEST', 'EXPIRED'])('password %s', async (password) => {
    const outcome = async (client: SandboxClient, top: object) => {
      const user = await client.createUser(`same-${client.version}-${password}`);
      const created = await client.post(`/users/${user}/members`, {
        member: { institution_code: 'mxbank', credentials: credentials(password) },
        ...top,
      });
      const settled = await client.settle(user, created.json.member.guid);
      return [created.status, settled.connection_status, settled.challenges?.map((c: any) => c.type)];
    };
    const older = await outcome(v1, {});
    expect(await outcome(v2, { data_request: { products: ['transactions'] } })).toEqual(older);
  });
});

describe('v20250224', () => {
  it('institutions: supported_products filters and describes; credentials by code or guid', async () => {
    const statements = await v2.get('/institutions?supported_products=statements');
    expect(statements.json.institutions.map((i: any) => i.code)).toEqual(['mxbank']);
    expect(statements.json.institutions[0].supported_products).toContain('statements');
    expect(statements.json.institutions[0]).not.toHaveProperty('supports_account_statement');
    expect((await v2.get('/institutions?supported_products=history')).json.institutions.map((i: any) => i.code)).toEqual(['mxbank']);
    expect((await v2.get('/institutions?supported_products=transactions')).json.institutions).toHaveLength(2);
    const bad = await v2.get('/institutions?supported_products=everything');
    expect([bad.status, bad.json.error.message]).toEqual([400, expect.stringMatching(/supported_products must name products/)]);
    const guid = statements.json.institutions[0].guid;
    expect((await v2.get(`/institutions/${guid}/credentials`)).json.credentials).toHaveLength(2);
    expect((await v1.get(`/institutions/${guid}/credentials`)).status).toBe(404);
  });

  it('create member: data_request.products picks the job, with 200 / 202 / 201', async () => {
    const user = await v2.createUser('products');
    const create = (institution_code: string, password: string, data_request?: unknown) =>
      v2.post(`/users/${user}/members`, {
        member: { institution_code, credentials: credentials(password) },
        ...(data_request ? { data_request } : {}),
      });
    const none = await create('mxbank', 'password', { products: [] });
    expect([none.status, none.json.member.is_being_aggregated]).toEqual([200, false]);
    const standard = await create('mxbank', 'p2');
    expect([standard.status, standard.json.member.is_being_aggregated]).toEqual([202, true]);
    const statements = await create('mxbank', 'p3', { products: ['statements'] });
    expect(statements.status).toBe(202);
    await v2.settle(user, statements.json.member.guid);
    expect((await v2.get(`/users/${user}/members/${statements.json.member.guid}/statements`)).json.statements.length).toBeGreaterThan(0);
    const mxcuFields = (await v2.get('/institutions/mxcu/credentials')).json.credentials;
    const failed = await v2.post(`/users/${user}/members`, {
      member: {
        institution_code: 'mxcu',
        credentials: mxcuFields.map((f: any, i: number) => ({ guid: f.guid, value: i ? 'password' : 'mxuser' })),
      },
      data_request: { products: ['statements'] },
    });
    expect([failed.status, failed.json.member.is_being_aggregated]).toEqual([201, false]);
  });

  it('create and update member: skip_aggregation and unknown products are named, not ignored', async () => {
    const user = await v2.createUser('no-skip');
    const skip = await v2.post(`/users/${user}/members`, {
      member: { institution_code: 'mxbank', credentials: credentials(), skip_aggregation: true },
    });
    expect([skip.status, skip.json.error.message]).toEqual([
      400,
      expect.stringMatching(/member\.skip_aggregation is not part of API version v20250224/),
    ]);
    const bad = await v2.post(`/users/${user}/members`, {
      member: { institution_code: 'mxbank', credentials: credentials() },
      data_request: { products: ['pdfs'] },
    });
    expect([bad.status, bad.json.error.message]).toEqual([400, expect.stringMatching(/data_request\.products/)]);
    const created = await v2.post(`/users/${user}/members`, {
      member: { institution_code: 'mxbank', credentials: credentials() },
      data_request: { products: [] },
    });
    const update = await v2.put(`/users/${user}/members/${created.json.member.guid}`, {
      member: { skip_aggregation: true, credentials: credentials('x') },
    });
    expect(update.status).toBe(400);
  });

  it('paths take the partner id where the document says identifier; statements keep guids', async () => {
    const user = await v2.createUser('partner-user');
    const created = await v2.post(`/users/partner-user/members`, {
      member: { institution_code: 'mxbank', credentials: credentials(), id: 'partner-member' },
      data_request: { products: ['statements'] },
    });
    expect(created.json.member.user_guid).toBe(user);
    expect((await v2.get('/users/partner-user')).json.user.guid).toBe(user);
    expect((await v2.get('/users/partner-user/members/partner-member/status')).json.member.guid).toBe(created.json.member.guid);
    await v2.settle(user, created.json.member.guid);
    expect((await v2.get('/users/partner-user/members/partner-member/statements')).status).toBe(404);
    expect((await v2.get(`/users/${user}/members/${created.json.member.guid}/statements`)).status).toBe(200);
    expect((await v1.get('/users/partner-user')).status).toBe(404);
  });

  it('transaction windows are unix timestamps, inclusive of both days', async () => {
    const user = await v2.createUser('unix-dates');
    const created = await v2.post(`/users/${user}/members`, {
      member: { institution_code: 'mxbank', credentials: credentials() },
      data_request: { products: ['transactions'] },
    });
    const member = created.json.member.guid;
    await v2.settle(user, member);
    const all = (await v2.get(`/users/${user}/members/${member}/transactions?records_per_page=1000`)).json.transactions;
    const day = all[0].date as string;
    const start = Date.parse(`${day}T00:00:00Z`) / 1000;
    const oneDay = (
      await v2.get(`/users/${user}/members/${member}/transactions?records_per_page=1000&from_date=${start}&to_date=${start + 86_399}`)
    ).json;
    expect(oneDay.transactions.length).toBeGreaterThan(0);
    expect(new Set(oneDay.transactions.map((t: any) => t.date))).toEqual(new Set([day]));
    const iso = await v2.get(`/users/${user}/members/${member}/transactions?from_date=${day}`);
    expect([iso.status, iso.json.error.message]).toEqual([400, expect.stringMatching(/from_date must be a unix timestamp/)]);
  });
});
