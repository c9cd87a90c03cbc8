// What the real MX client puts on the wire, recorded by a proxy between it and the sandbox, for both API
// versions: every request of both guides carries Accept-Version and the Accept header that goes with
// it, and every request and answer is what that version's OpenAPI document describes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_API_KEY, SANDBOX_CLIENT_ID } from '../../src/config';
import { createMxClient, type MxClient } from '../../src/mx/client';
import { MX_API_VERSIONS } from '../../src/mx/versions';
import { type Sandbox, startSandbox } from '../../src/sandbox/server';
import { PASSWORD_GUID, USERNAME_GUID } from './helpers/client';
import { SpecValidator } from './helpers/openapi';
import { type RecordingProxy, startRecordingProxy } from './helpers/recording-proxy';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, jobDurationMs: 100, transactionsPerAccount: 30, statementBytes: 40_000 });
});
afterAll(async () => {
  await sandbox.close();
});

const EXPECTED_ACCEPT = {
  v20111101: { json: 'application/vnd.mx.api.v1+json', pdf: 'application/vnd.mx.api.v1+pdf' },
  v20250224: { json: 'application/json', pdf: 'application/vnd.mx.api.v1+pdf' },
};

/** Every item of a list (Array.fromAsync needs Node 22). */
async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

async function settle(mx: MxClient, user: string, member: string): Promise<string | null | undefined> {
  for (;;) {
    const status = await mx.readMemberStatus(user, member);
    if (!status.is_being_aggregated || status.connection_status === 'CHALLENGED') return status.connection_status;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The client calls of both guides, with an MFA round, in the order the workflows make them. */
async function bothGuides(mx: MxClient, tag: string): Promise<void> {
  const user = await mx.createUser({ id: `wire-${tag}`, email: `${tag}@example.com` });
  expect((await all(mx.listUsers({ id: `wire-${tag}` }))).map((u) => u.guid)).toEqual([user.guid]);
  const [institution] = await all(mx.listInstitutions({ name: 'mxbank', supportsAccountStatement: true }));
  expect(institution?.supports_account_statement).toBe(true);
  expect((await mx.readInstitution('mxbank')).supports_account_statement).toBe(true);
  const fields = await all(mx.listInstitutionCredentials('mxbank'));
  expect(fields.map((f) => f.guid)).toEqual([USERNAME_GUID, PASSWORD_GUID]);
  const credentials = [
    { guid: USERNAME_GUID, value: 'mxuser' },
    { guid: PASSWORD_GUID, value: 'challenge' },
  ];

  const member = await mx.createMember(user.guid, { institution_code: 'mxbank', credentials, id: `m-${tag}` });
  expect(await settle(mx, user.guid, member.guid)).toBe('CHALLENGED');
  const [challenge] = await mx.listMemberChallenges(user.guid, member.guid);
  await mx.resumeAggregation(user.guid, member.guid, [{ guid: challenge!.guid, value: 'correct' }]);
  expect(await settle(mx, user.guid, member.guid)).toBe('CONNECTED');
  for await (const account of mx.listMemberAccounts(user.guid, member.guid)) {
    const window = { fromDate: '2000-01-01', toDate: '2100-12-31' };
    expect((await all(mx.listTransactionsByAccount(user.guid, account.guid, window))).length).toBe(30);
  }

  const again = await mx
    .createMember(user.guid, { institution_code: 'mxbank', credentials, skip_aggregation: true })
    .catch((e: Error) => e);
  expect(String(again)).toMatch(/409/);
  await all(mx.listMembers(user.guid));
  await mx.updateMember(user.guid, member.guid, { credentials: [{ guid: PASSWORD_GUID, value: 'password' }], skip_aggregation: true });
  await settle(mx, user.guid, member.guid);
  await mx.fetchStatements(user.guid, member.guid);
  await settle(mx, user.guid, member.guid);
  const [statement] = await all(mx.listStatements(user.guid, member.guid));
  await mx.readStatement(user.guid, member.guid, statement!.guid);
  const into = { write: () => true, drained: async () => undefined };
  expect((await mx.downloadStatementPdf(user.guid, member.guid, statement!.guid, { into })).bytes).toBe(40_000);
}

describe.each(MX_API_VERSIONS)('the client talking %s', (version) => {
  let proxy: RecordingProxy;
  beforeAll(async () => {
    proxy = await startRecordingProxy(sandbox.url);
    const mx = createMxClient({
      baseUrl: proxy.url,
      clientId: SANDBOX_CLIENT_ID,
      apiKey: SANDBOX_API_KEY,
      timeoutMs: 5_000,
      apiVersion: version,
    });
    await bothGuides(mx, version);
  });
  afterAll(async () => {
    await proxy.close();
  });

  it(`sends Accept-Version: ${version} and the matching Accept header on every request`, () => {
    expect(proxy.exchanges.length).toBeGreaterThan(20);
    for (const { method, path, requestHeaders } of proxy.exchanges) {
      const accept = path.endsWith('.pdf') ? EXPECTED_ACCEPT[version].pdf : EXPECTED_ACCEPT[version].json;
      expect([method, path, requestHeaders?.get('accept-version'), requestHeaders?.get('accept')]).toEqual([method, path, version, accept]);
    }
  });

  it('sends requests the document describes and gets answers it describes', () => {
    const spec = new SpecValidator(version);
    expect(proxy.exchanges.flatMap((exchange) => spec.requestProblems(exchange))).toEqual([]);
    expect(proxy.exchanges.flatMap((exchange) => spec.problems(exchange))).toEqual([]);
  });

  it('creates members the way the version says "aggregate" and "do not aggregate"', () => {
    const creates = proxy.exchanges.filter((e) => e.method === 'POST' && e.path.endsWith('/members'));
    const bodies = creates.map((e) => e.requestBody as Record<string, unknown>);
    if (version === 'v20111101') {
      expect(bodies.map((b) => [Object.keys(b), (b.member as Record<string, unknown>).skip_aggregation])).toEqual([
        [['member'], undefined],
        [['member'], true],
      ]);
    } else {
      expect(bodies.map((b) => [(b.member as Record<string, unknown>).skip_aggregation, b.data_request])).toEqual([
        [undefined, { products: ['transactions'] }],
        [undefined, { products: [] }],
      ]);
    }
    expect(creates.map((e) => e.status)).toEqual([202, 409]);
  });
});
