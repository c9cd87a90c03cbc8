import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExportResult, MemberRef } from '../../activities/types';
import { connectMember, failureOf, idle, MockActivityEnvironment, startHarness, waitForMember, type Harness } from './setup';

let h: Harness;
let ref: MemberRef;

// 1,500 transactions per account: every account needs two pages of 1,000.
beforeAll(async () => {
  h = await startHarness({ transactionsPerAccount: 1500 });
  ref = await connectMember(h, 'password');
  await waitForMember(h, ref, idle);
});
afterAll(() => h.close());

const lines = async (key: string) =>
  (await readFile(join(h.root, key), 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { guid: string; account_guid?: string; date?: string });

const isoDay = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

describe('exportAccountsAndTransactions', () => {
  it('writes every account and every transaction of the window as NDJSON, returning only counts and keys', async () => {
    const env = new MockActivityEnvironment();
    const beats: unknown[] = [];
    env.on('heartbeat', (d: unknown) => beats.push(d));
    const input = { ...ref, fromDate: isoDay(-120), toDate: isoDay(5), keyPrefix: 'fetch-account-data/u1/m1/run-1' };
    const result = (await env.run(h.activities.exportAccountsAndTransactions, input)) as ExportResult;

    expect(result.accountsKey).toBe('fetch-account-data/u1/m1/run-1/accounts.ndjson');
    expect(result.transactionsKey).toBe('fetch-account-data/u1/m1/run-1/transactions.ndjson');
    const accounts = await lines(result.accountsKey);
    const transactions = await lines(result.transactionsKey);
    expect(result.accountCount).toBe(5);
    expect(accounts.map((a) => a.guid)).toEqual(result.accounts.map((a) => a.guid));
    expect(result.transactionCount).toBe(5 * 1500);
    expect(transactions).toHaveLength(5 * 1500);
    expect(new Set(transactions.map((t) => t.guid)).size).toBe(5 * 1500);
    for (const account of result.accounts) {
      expect(account.transactions).toBe(transactions.filter((t) => t.account_guid === account.guid).length);
    }
    expect(beats.at(-1)).toEqual({ phase: 'done', accounts: 5, transactions: 7500 });
    // The result rides through workflow history: it must stay far below Temporal's 2 MB payload limit.
    expect(JSON.stringify(result).length).toBeLessThan(4096);
  });

  it('keeps only transactions dated inside the window', async () => {
    const fromDate = isoDay(-30);
    const toDate = isoDay(-10);
    const result = await h.activities.exportAccountsAndTransactions({ ...ref, fromDate, toDate, keyPrefix: 'window' });
    const transactions = await lines(result.transactionsKey);
    expect(result.transactionCount).toBeGreaterThan(0);
    expect(result.transactionCount).toBeLessThan(7500);
    expect(transactions.every((t) => t.date! >= fromDate && t.date! <= toDate)).toBe(true);
  });

  it('refuses malformed dates, naming the field', async () => {
    const failure = await failureOf(h.activities.exportAccountsAndTransactions({ ...ref, fromDate: '01/02/2024', toDate: isoDay(0), keyPrefix: 'x' }));
    expect(failure).toMatchObject({ type: 'InvalidActivityInput', nonRetryable: true });
    expect(failure.message).toContain('fromDate must be a date as YYYY-MM-DD');
  });
});
