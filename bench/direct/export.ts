// The baseline of bench/export-volume.ts: the export as a user would hand-write it against MX, with no
// durability and no validation. Plain fetch, one page at a time (the same page size and query as the
// exportAccountsAndTransactions activity), JSON.parse of each page, one JSON.stringify(record) line per
// record appended to two NDJSON files. P1's direct scripts can sit beside this one.
import { open } from 'node:fs/promises';

export interface DirectExportInput {
  baseUrl: string;
  clientId: string;
  apiKey: string;
  userGuid: string;
  memberGuid: string;
  fromDate: string;
  toDate: string;
  accountsFile: string;
  transactionsFile: string;
}

const PER_PAGE = 1000;

export async function directExport(input: DirectExportInput): Promise<{ accounts: number; transactions: number }> {
  const headers = {
    authorization: `Basic ${Buffer.from(`${input.clientId}:${input.apiKey}`).toString('base64')}`,
    accept: 'application/vnd.mx.api.v1+json',
    'accept-version': 'v20111101',
  };
  const get = async (path: string, query: Record<string, string | number>) => {
    const url = new URL(path.replace(/^\//, ''), input.baseUrl.endsWith('/') ? input.baseUrl : `${input.baseUrl}/`);
    for (const [name, value] of Object.entries(query)) url.searchParams.set(name, String(value));
    const response = await fetch(url, { headers });
    if (!response.ok) throw new Error(`GET ${path}: HTTP ${response.status}`);
    return JSON.parse(await response.text()) as Record<string, unknown> & { pagination: { total_pages: number } };
  };
  // Every page of one list, appended to `file` as NDJSON; returns the records (accounts are needed next).
  const pages = async (file: string, path: string, key: string, query: Record<string, string>, keep: boolean) => {
    const out = await open(file, 'a');
    const kept: Record<string, unknown>[] = [];
    let count = 0;
    try {
      for (let page = 1; ; page++) {
        const body = await get(path, { ...query, page, records_per_page: PER_PAGE });
        const items = body[key] as Record<string, unknown>[];
        let text = '';
        for (const item of items) text += `${JSON.stringify(item)}\n`;
        await out.write(text);
        count += items.length;
        if (keep) kept.push(...items);
        if (items.length === 0 || page >= body.pagination.total_pages) break;
      }
    } finally {
      await out.close();
    }
    return { count, kept };
  };

  const accounts = await pages(input.accountsFile, `/users/${input.userGuid}/members/${input.memberGuid}/accounts`, 'accounts', {}, true);
  let transactions = 0;
  for (const account of accounts.kept) {
    const path = `/users/${input.userGuid}/accounts/${account.guid as string}/transactions`;
    const window = { from_date: input.fromDate, to_date: input.toDate };
    transactions += (await pages(input.transactionsFile, path, 'transactions', window, false)).count;
  }
  return { accounts: accounts.count, transactions };
}
