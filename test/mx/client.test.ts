import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMxClient, type MxClient } from '../../src/mx/client';
import { MxProtocolError, MxRetryableError } from '../../src/mx/errors';
import { page, startFakeMx, type FakeMx } from '../helpers/fake-mx';

let mx: FakeMx;
let client: MxClient;

beforeEach(async () => {
  mx = await startFakeMx();
  client = createMxClient({ baseUrl: mx.url, clientId: 'client-1', apiKey: 'key-1', timeoutMs: 2000 });
});
afterEach(() => mx.close());

const member = (extra: Record<string, unknown> = {}) => ({
  guid: 'MBR-1',
  connection_status: 'CONNECTED',
  is_being_aggregated: false,
  institution_code: 'mxbank',
  institution_guid: 'INS-1',
  most_recent_job_guid: 'JOB-7',
  most_recent_job_detail_text: null,
  ...extra,
});

describe('MX client wire format', () => {
  it('sends Basic auth, the v1 Accept header with Accept-Version v20111101, and the request envelope', async () => {
    mx.on('POST', '/users', (req) => ({ body: { user: { guid: 'USR-1', ...(req.body as { user: object }).user } } }));
    const user = await client.createUser({ id: 'partner-1', metadata: 'm' });
    expect(user).toMatchObject({ guid: 'USR-1', id: 'partner-1', metadata: 'm' });
    const [req] = mx.requests;
    expect(req?.headers.authorization).toBe(`Basic ${Buffer.from('client-1:key-1').toString('base64')}`);
    expect(req?.headers.accept).toBe('application/vnd.mx.api.v1+json');
    expect(req?.headers['accept-version']).toBe('v20111101');
    expect(req?.headers['content-type']).toContain('application/json');
    expect(req?.body).toEqual({ user: { id: 'partner-1', metadata: 'm' } });
  });

  it("passes unknown fields through and accepts MX's real types where the spec is wrong", async () => {
    mx.on('GET', '/users/USR-1/members/MBR-1', { body: { member: member({ brand_new_field: 42 }) } });
    const read = await client.readMember('USR-1', 'MBR-1');
    expect(read.most_recent_job_guid).toBe('JOB-7');
    expect((read as Record<string, unknown>).brand_new_field).toBe(42);
  });

  it('names the endpoint and the field path when a response does not match', async () => {
    mx.on('GET', '/users/USR-1/members/MBR-1/status', { body: { member: { connection_status: 'CONNECTED' } } });
    const error = await client.readMemberStatus('USR-1', 'MBR-1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MxProtocolError);
    expect((error as MxProtocolError).field).toBe('member.guid');
    expect((error as Error).message).toContain('readMemberStatus');
    expect((error as Error).message).toContain('member.guid');
  });

  it('takes a non-JSON success body for a transient fault (cut or garbled on the way): retryable', async () => {
    mx.on('GET', '/users/USR-1', { body: '{"user": {"guid": "USR-1", "id"' });
    const error = await client.readUser('USR-1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MxRetryableError);
    expect(error).toMatchObject({ type: 'MxMalformedBody', retryable: true });
    expect((error as Error).message).toContain('readUser');
  });

  it('refuses empty identifiers before sending anything', async () => {
    await expect(client.readMember('USR-1', '')).rejects.toThrow(/identifier 2 is empty/);
    expect(mx.requests).toHaveLength(0);
  });

  it('rejects bad options with the problem named and without echoing the key', () => {
    expect(() => createMxClient({ baseUrl: 'ftp://x', clientId: 'c', apiKey: 'very-secret', timeoutMs: 1 })).toThrow(/baseUrl/);
    expect(() => createMxClient({ baseUrl: 'http://x', clientId: 'c', apiKey: '', timeoutMs: 1 })).toThrow(/apiKey is required/);
    const version = 'v2099' as unknown as 'v20111101';
    expect(() => createMxClient({ baseUrl: 'http://x', clientId: 'c', apiKey: 'k', timeoutMs: 1, apiVersion: version })).toThrow(
      /apiVersion must be one of v20111101, v20250224/,
    );
  });
});

describe('pagination', () => {
  it('walks every page of users at 1000 per page, with the id filter', async () => {
    const all = Array.from({ length: 2500 }, (_, i) => ({ guid: `USR-${i}`, id: 'dup' }));
    mx.on('GET', '/users', (req) => ({ body: page('users', all, req.query) }));
    const seen: string[] = [];
    for await (const u of client.listUsers({ id: 'dup' })) seen.push(u.guid);
    expect(seen).toHaveLength(2500);
    expect(new Set(seen).size).toBe(2500);
    expect(mx.requests.map((r) => [r.query.get('page'), r.query.get('records_per_page'), r.query.get('id')])).toEqual([
      ['1', '1000', 'dup'],
      ['2', '1000', 'dup'],
      ['3', '1000', 'dup'],
    ]);
  });

  it('asks for 100 institutions per page and sends the statements filter', async () => {
    const all = Array.from({ length: 150 }, (_, i) => ({ code: `bank${i}`, name: `Bank ${i}` }));
    mx.on('GET', '/institutions', (req) => ({ body: page('institutions', all, req.query) }));
    let count = 0;
    for await (const _ of client.listInstitutions({ name: 'bank', supportsAccountStatement: true })) count++;
    expect(count).toBe(150);
    expect(mx.requests[0]?.query.get('records_per_page')).toBe('100');
    expect(mx.requests[0]?.query.get('supports_account_statement')).toBe('true');
    expect(mx.requests[0]?.query.get('name')).toBe('bank');
  });

  it('sends the date window for transactions by account', async () => {
    mx.on('GET', '/users/USR-1/accounts/ACT-1/transactions', (req) => ({ body: page('transactions', [{ guid: 'TRN-1' }], req.query) }));
    const found = [];
    for await (const t of client.listTransactionsByAccount('USR-1', 'ACT-1', { fromDate: '2024-01-01', toDate: '2024-03-31' }))
      found.push(t);
    expect(found).toHaveLength(1);
    expect(mx.requests[0]?.query.get('from_date')).toBe('2024-01-01');
    expect(mx.requests[0]?.query.get('to_date')).toBe('2024-03-31');
  });
});

describe('challenges and statements', () => {
  it('returns no challenges on 204', async () => {
    mx.on('GET', '/users/U/members/M/challenges', { status: 204 });
    await expect(client.listMemberChallenges('U', 'M')).resolves.toEqual([]);
  });

  it('maps numeric challenge types to their names', async () => {
    mx.on('GET', '/users/U/members/M/challenges', (req) => ({
      body: page(
        'challenges',
        [
          { guid: 'CRD-1', type: 0 },
          { guid: 'CRD-2', type: 14 },
          { guid: 'CRD-3', type: 'TOKEN' },
          { guid: 'CRD-4', type: 99 },
        ],
        req.query,
      ),
    }));
    const found = await client.listMemberChallenges('U', 'M');
    expect(found.map((c) => c.type)).toEqual(['TEXT', 'IMAGE_OPTIONS', 'TOKEN', '99']);
  });

  it("sends resume answers in MX's envelope", async () => {
    mx.on('PUT', '/users/U/members/M/resume', { status: 202, body: { member: member({ connection_status: 'RESUMED' }) } });
    const resumed = await client.resumeAggregation('U', 'M', [{ guid: 'CRD-1', value: 'correct' }]);
    expect(resumed.connection_status).toBe('RESUMED');
    expect(mx.requests[0]?.body).toEqual({ member: { challenges: [{ guid: 'CRD-1', value: 'correct' }] } });
  });

  it('streams a statement PDF with the +pdf Accept header', async () => {
    mx.on('GET', '/users/U/members/M/statements/STA-1.pdf', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/vnd.mx.api.v1+pdf', 'content-length': '9' });
      res.end('%PDF-1.7\n');
      return 'handled';
    });
    const parts: Buffer[] = [];
    const into = { write: (chunk: Uint8Array) => parts.push(Buffer.from(chunk)) > 0, drained: async () => undefined };
    const pdf = await client.downloadStatementPdf('U', 'M', 'STA-1', { into });
    expect(pdf).toEqual({ bytes: 9, contentLength: 9 });
    expect(Buffer.concat(parts).toString()).toBe('%PDF-1.7\n');
    expect(mx.requests[0]?.headers.accept).toBe('application/vnd.mx.api.v1+pdf');
    expect(mx.requests[0]?.headers['accept-version']).toBe('v20111101');
  });
});
