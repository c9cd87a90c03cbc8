// The v20250224 adapter on the wire, against a scripted server: the same client calls, spelled the way
// v20250224 wants them, and its answers read back into the guides' vocabulary. (The real sandbox and
// both OpenAPI documents check the same in test/sandbox/wire.test.ts and test/sandbox/guides.test.ts.)
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config';
import { createMxClient, type MxClient } from '../../src/mx/client';
import { page, startFakeMx, type FakeMx } from '../helpers/fake-mx';

let mx: FakeMx;
let client: MxClient;

beforeEach(async () => {
  mx = await startFakeMx();
  client = createMxClient({ baseUrl: mx.url, clientId: 'client-1', apiKey: 'key-1', timeoutMs: 2000, apiVersion: 'v20250224' });
});
afterEach(() => mx.close());

const member = { guid: 'MBR-1', connection_status: 'CREATED', is_being_aggregated: false, institution_guid: 'INS-1' };
const credentials = [
  { guid: 'CRD-1', value: 'mxuser' },
  { guid: 'CRD-2', value: 'password' },
];

describe('v20250224 adapter', () => {
  it('sends Accept: application/json with Accept-Version: v20250224 on JSON calls', async () => {
    mx.on('GET', '/users/USR-1', { body: { user: { guid: 'USR-1' } } });
    await client.readUser('USR-1');
    expect(mx.requests[0]?.headers.accept).toBe('application/json');
    expect(mx.requests[0]?.headers['accept-version']).toBe('v20250224');
  });

  it('sends the PDF Accept header with Accept-Version: v20250224 for a statement', async () => {
    mx.on('GET', '/users/U/members/M/statements/STA-1.pdf', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/vnd.mx.api.v1+pdf', 'content-length': '9' });
      res.end('%PDF-1.7\n');
      return 'handled';
    });
    const into = { write: () => true, drained: async () => undefined };
    await client.downloadStatementPdf('U', 'M', 'STA-1', { into });
    expect(mx.requests[0]?.headers.accept).toBe('application/vnd.mx.api.v1+pdf');
    expect(mx.requests[0]?.headers['accept-version']).toBe('v20250224');
  });

  it.each([
    [true, [], 200],
    [false, ['transactions'], 202],
    [undefined, ['transactions'], 201],
  ])("creates a member with skip_aggregation %s as data_request.products %j, and takes MX's %i", async (skip, products, status) => {
    mx.on('POST', '/users/USR-1/members', { status, body: { member } });
    const created = await client.createMember('USR-1', { institution_code: 'mxbank', credentials, skip_aggregation: skip, id: 'm-1' });
    expect(created.guid).toBe('MBR-1');
    expect(mx.requests[0]?.body).toEqual({ member: { institution_code: 'mxbank', credentials, id: 'm-1' }, data_request: { products } });
  });

  it('updates a member without skip_aggregation, which v20250224 does not have', async () => {
    mx.on('PUT', '/users/U/members/M', { body: { member } });
    await client.updateMember('U', 'M', { credentials, skip_aggregation: true, metadata: 'x' });
    expect(mx.requests[0]?.body).toEqual({ member: { credentials, metadata: 'x' } });
  });

  it('filters institutions by supported_products and reads supported_products back as the supports_* flags', async () => {
    const institutions = [
      { code: 'mxbank', guid: 'INS-1', supported_products: ['statements', 'transactions', 'history'] },
      { code: 'mxcu', guid: 'INS-2', supported_products: ['transactions'] },
    ];
    mx.on('GET', '/institutions', (req) => ({ body: page('institutions', institutions, req.query) }));
    const found = [];
    for await (const institution of client.listInstitutions({ name: 'mx', supportsAccountStatement: true })) found.push(institution);
    expect(mx.requests[0]?.query.getAll('supported_products')).toEqual(['statements']);
    expect(mx.requests[0]?.query.has('supports_account_statement')).toBe(false);
    expect(found.map((i) => [i.code, i.supports_account_statement, i.supports_transaction_history])).toEqual([
      ['mxbank', true, true],
      ['mxcu', false, false],
    ]);
  });

  it("reads one institution's supported_products too", async () => {
    mx.on('GET', '/institutions/mxbank', { body: { institution: { code: 'mxbank', supported_products: ['statements'] } } });
    expect((await client.readInstitution('mxbank')).supports_account_statement).toBe(true);
  });

  it('sends the transaction window as unix timestamps covering both days whole', async () => {
    mx.on('GET', '/users/U/accounts/A/transactions', (req) => ({ body: page('transactions', [{ guid: 'TRN-1' }], req.query) }));
    for await (const _ of client.listTransactionsByAccount('U', 'A', { fromDate: '2024-01-01', toDate: '2024-03-31' }));
    expect(mx.requests[0]?.query.get('from_date')).toBe(String(Date.UTC(2024, 0, 1) / 1000));
    expect(mx.requests[0]?.query.get('to_date')).toBe(String(Date.UTC(2024, 3, 1) / 1000 - 1));
  });
});

describe('MX_API_VERSION', () => {
  it('defaults to v20111101 and takes v20250224', () => {
    expect(loadConfig({}).mx.apiVersion).toBe('v20111101');
    expect(loadConfig({ MX_API_VERSION: 'v20250224' }).mx.apiVersion).toBe('v20250224');
  });

  it('names the variable and the allowed values when it is wrong', () => {
    expect(() => loadConfig({ MX_API_VERSION: 'rc20260430' })).toThrow(ConfigError);
    expect(() => loadConfig({ MX_API_VERSION: 'rc20260430' })).toThrow(/MX_API_VERSION: must be one of v20111101, v20250224/);
  });
});
