/* eslint-disable @typescript-eslint/no-explicit-any -- wire JSON: the assertions and the OpenAPI validator check its shape */
// Both MX guides' request sequences against the sandbox, in both API versions, every exchange checked
// against that version's OpenAPI document (responses, and the requests too). A route that answers
// outside the document fails this test.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MxApiVersion } from '../../src/mx/versions';
import { type Sandbox, startSandbox } from '../../src/sandbox/server';
import { basicAuth, PASSWORD_GUID, SandboxClient, USERNAME_GUID } from './helpers/client';
import { SpecValidator } from './helpers/openapi';

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, jobDurationMs: 200, transactionsPerAccount: 176 });
});
afterAll(async () => {
  await sandbox.close();
});

/** How each version says the few things that differ on the guides' path. */
const SPELLING = {
  v20111101: {
    statementsFilter: 'supports_account_statement=true',
    aggregateOnCreate: (member: object) => ({ member }),
    noJobOnCreate: (member: object) => ({ member: { ...member, skip_aggregation: true } }),
    dates: (from: string, to: string) => `from_date=${from}&to_date=${to}`,
  },
  v20250224: {
    statementsFilter: 'supported_products=statements',
    aggregateOnCreate: (member: object) => ({ member, data_request: { products: ['transactions'] } }),
    noJobOnCreate: (member: object) => ({ member, data_request: { products: [] } }),
    dates: (from: string, to: string) => `from_date=${Date.parse(from) / 1000}&to_date=${Date.parse(to) / 1000 + 86_399}`,
  },
} satisfies Record<MxApiVersion, unknown>;

describe.each(['v20111101', 'v20250224'] as const)('%s', (version) => {
  const spelling = SPELLING[version];
  const spec = new SpecValidator(version);
  let client: SandboxClient;
  beforeAll(() => {
    client = new SandboxClient(sandbox.url, basicAuth(), version);
  });
  const createMember = (userGuid: string, password: string, spell: (member: object) => object, extra: object) => {
    const credentials = [
      { guid: USERNAME_GUID, value: 'mxuser' },
      { guid: PASSWORD_GUID, value: password },
    ];
    return client.post(`/users/${userGuid}/members`, spell({ institution_code: 'mxbank', credentials, ...extra }));
  };

  describe('every exchange of both guides matches the OpenAPI document', () => {
    it('Fetch account and transaction data (with an MFA round)', async () => {
      const userGuid = await client.createUser(`guide-a-${version}`);
      const institutions = await client.get('/institutions?name=mxbank');
      expect(institutions.json.institutions.map((i: any) => i.code)).toEqual(['mxbank']);
      const credentials = await client.get('/institutions/mxbank/credentials');
      expect(credentials.json.credentials.map((c: any) => c.guid)).toEqual([USERNAME_GUID, PASSWORD_GUID]);

      const created = await createMember(userGuid, 'challenge', spelling.aggregateOnCreate, { id: `member-a-${version}`, metadata: 'm' });
      expect(created.status).toBe(202);
      expect(created.json.member).toMatchObject({ connection_status: 'CREATED', is_being_aggregated: true });
      const memberGuid = created.json.member.guid;
      const member = `/users/${userGuid}/members/${memberGuid}`;

      const challenged = await client.settle(userGuid, memberGuid);
      expect(challenged.connection_status).toBe('CHALLENGED');
      const challenges = await client.get(`${member}/challenges`);
      expect(challenges.status).toBe(200);
      const resumed = await client.put(`${member}/resume`, {
        member: { challenges: [{ guid: challenges.json.challenges[0].guid, value: 'correct' }] },
      });
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
      const page2 = await client.get(
        `/users/${userGuid}/accounts/${checking.guid}/transactions?records_per_page=100&page=2&${spelling.dates('2000-01-01', '2100-01-01')}`,
      );
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
      const skip = version === 'v20111101' ? { skip_aggregation: true } : {};
      await client.put(member, { member: { metadata: 'updated', ...skip, credentials: [{ guid: PASSWORD_GUID, value: 'password' }] } });
      await client.put(`/users/${userGuid}`, { user: { email: 'new@example.com' } });
      await client.get(`/users?id=guide-a-${version}`);
      await client.get(`/users/${userGuid}`);
      await client.get('/institutions/mxbank');
      expect((await client.delete(member)).status).toBe(204);
      expect((await client.delete(`/users/${userGuid}`)).status).toBe(204);
    });

    it('Fetch statements', async () => {
      const userGuid = await client.createUser(`guide-b-${version}`);
      const institutions = await client.get(`/institutions?name=mx&${spelling.statementsFilter}`);
      expect(institutions.json.institutions.map((i: any) => i.code)).toEqual(['mxbank']);
      await client.get('/institutions/mxbank/credentials');
      const created = await createMember(userGuid, 'password', spelling.noJobOnCreate, {
        id: `statements-member-${version}`,
        metadata: '{"a":1}',
      });
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

    it('all recorded exchanges conform, responses and requests', () => {
      expect(client.exchanges.length).toBeGreaterThan(30);
      expect(client.exchanges.flatMap((exchange) => spec.problems(exchange))).toEqual([]);
      expect(client.exchanges.flatMap((exchange) => spec.requestProblems(exchange))).toEqual([]);
    });

    it('the validator itself rejects a response or a request outside the document', () => {
      const bad = {
        method: 'GET',
        path: '/users/USR-x',
        status: 200,
        contentType: 'application/vnd.mx.api.v1+json',
        headers: new Headers(),
        json: { user: { is_disabled: 'no' } },
        bytes: Buffer.from('{}'),
      };
      expect(spec.problems(bad)).not.toEqual([]);
      expect(spec.problems({ ...bad, path: '/nope' })).not.toEqual([]);
      expect(spec.problems({ ...bad, status: 201 })).not.toEqual([]);
      const request = {
        ...bad,
        method: 'POST',
        path: '/users/USR-x/members',
        requestHeaders: new Headers({ 'accept-version': version }),
        query: new URLSearchParams('nope=1'),
      };
      const problems = spec.requestProblems({ ...request, requestBody: { member: { credentials: 'x' } } }).join('\n');
      expect(problems).toMatch(/query nope is not a parameter/);
      expect(problems).toMatch(/request: \/member\/credentials must be array/);
      expect(problems).toMatch(/request: \/member must have required property 'institution_code'/);
      if (version === 'v20250224')
        expect(spec.requestProblems({ ...request, requestHeaders: new Headers() }).join('\n')).toMatch(/header Accept-Version is required/);
    });
  });
});
