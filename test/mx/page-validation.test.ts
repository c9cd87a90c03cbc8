// The export's pages are checked in bulk (schemas.ts bulkListEnvelope): records pass as MX sent them,
// and a malformed page fails as MxProtocolError naming the record's index and field, never its value.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMxClient, type MxClient } from '../../src/mx/client';
import { MxProtocolError } from '../../src/mx/errors';
import { page, startFakeMx, type FakeMx } from '../helpers/fake-mx';

let mx: FakeMx;
let client: MxClient;

beforeEach(async () => {
  mx = await startFakeMx();
  client = createMxClient({ baseUrl: mx.url, clientId: 'client-1', apiKey: 'key-1', timeoutMs: 2000 });
});
afterEach(() => mx.close());

const TRANSACTIONS = '/users/USR-1/accounts/ACT-1/transactions';
const window = { fromDate: '2024-01-01', toDate: '2024-03-31' };
const readTransactions = () => client.readTransactionsByAccountPage('USR-1', 'ACT-1', window, { page: 1 });
const protocolError = async (promise: Promise<unknown>) => {
  const error = await promise.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(MxProtocolError);
  return error as MxProtocolError;
};

describe('a page read in bulk', () => {
  it("keeps every record as MX sent it: its fields, their order, MX's types", async () => {
    const sent = [
      { zeta: 1, guid: 'TRN-1', amount: '12.50', extra: { nested: [1, 2] } },
      { guid: 'TRN-2', description: null },
    ];
    mx.on('GET', TRANSACTIONS, (req) => ({ body: page('transactions', sent, req.query) }));
    const read = await readTransactions();
    expect(read.items.map((record) => JSON.stringify(record))).toEqual(sent.map((record) => JSON.stringify(record)));
    expect(read.pagination.total_pages).toBe(1);
    expect(mx.requests[0]?.query.get('records_per_page')).toBe('1000');
    expect(mx.requests[0]?.query.get('from_date')).toBe('2024-01-01');
  });

  it('names the record and the field when a guid is missing or not a string, without its value', async () => {
    const records = [{ guid: 'TRN-1' }, { guid: 'TRN-2' }, { guid: 987654321 }];
    mx.on('GET', TRANSACTIONS, (req) => ({ body: page('transactions', records, req.query) }));
    const error = await protocolError(readTransactions());
    expect(error.field).toBe('transactions.2.guid');
    expect(error.message).toContain('listTransactionsByAccount');
    expect(error.message).toContain('expected a string, got number');
    expect(error.message).not.toContain('987654321');
  });

  it('refuses a record that is not an object', async () => {
    mx.on('GET', TRANSACTIONS, (req) => ({ body: page('transactions', [{ guid: 'TRN-1' }, 'TRN-2'], req.query) }));
    expect((await protocolError(readTransactions())).field).toBe('transactions.1');
  });

  it('refuses a page whose list is not an array, or whose pagination is broken', async () => {
    mx.on('GET', TRANSACTIONS, {
      body: { transactions: { guid: 'TRN-1' }, pagination: { current_page: 1, per_page: 1, total_entries: 1, total_pages: 1 } },
    });
    expect((await protocolError(readTransactions())).field).toBe('transactions');
    mx.on('GET', TRANSACTIONS, { body: { transactions: [], pagination: { current_page: 1, per_page: 1, total_entries: 1 } } });
    expect((await protocolError(readTransactions())).field).toBe('pagination.total_pages');
  });

  it("checks an account's name and type, which the export's result carries", async () => {
    const at = '/users/USR-1/members/MBR-1/accounts';
    mx.on('GET', at, (req) => ({
      body: page(
        'accounts',
        [
          { guid: 'ACT-1', name: 'Checking', type: null },
          { guid: 'ACT-2', type: 7 },
        ],
        req.query,
      ),
    }));
    const error = await protocolError(client.readMemberAccountsPage('USR-1', 'MBR-1', { page: 1 }));
    expect(error.field).toBe('accounts.1.type');
    expect(error.message).toContain('listMemberAccounts');
  });
});
