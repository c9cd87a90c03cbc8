import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExportCheckpoint } from '../../activities/export';
import type { ExportResult, MemberRef } from '../../activities/types';
import { connectMember, failureOf, filesUnder, idle, MockActivityEnvironment, startHarness, waitForMember, type Harness } from './setup';

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
    // The last checkpoint: every page of accounts and of transactions stored.
    expect(beats.at(-1)).toMatchObject({ accountsListed: true, accountPages: 1, transactionPages: [2, 2, 2, 2, 2], account: 5 });
    expect(await filesUnder(join(h.root, 'fetch-account-data'))).toEqual([
      'u1/m1/run-1/accounts.ndjson',
      'u1/m1/run-1/transactions.ndjson',
    ]);
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
    const failure = await failureOf(
      h.activities.exportAccountsAndTransactions({ ...ref, fromDate: '01/02/2024', toDate: isoDay(0), keyPrefix: 'x' }),
    );
    expect(failure).toMatchObject({ type: 'InvalidActivityInput', nonRetryable: true });
    expect(failure.message).toContain('fromDate must be a date as YYYY-MM-DD');
  });
});

describe('exportAccountsAndTransactions after a transient fault', () => {
  const window = () => ({ fromDate: isoDay(-120), toDate: isoDay(5) });
  /** SHA-256 of both objects: comparing megabytes with toEqual would take minutes. */
  const bytesOf = async (result: ExportResult) =>
    Promise.all(
      [result.accountsKey, result.transactionsKey].map(async (key) =>
        createHash('sha256')
          .update(await readFile(join(h.root, key)))
          .digest('hex'),
      ),
    );

  it('resumes at the page that failed (nothing before it is asked again) and writes what a fault-free run writes', async () => {
    const clean = await h.activities.exportAccountsAndTransactions({ ...ref, ...window(), keyPrefix: 'clean' });

    // Fail the request for the fourth account's first page. The request for the next page goes out
    // while a part is stored, so the fault is armed one checkpoint earlier (the third account's first
    // page stored, its second in flight), aimed at the fourth account: no request for it has gone yet.
    const first = new MockActivityEnvironment({ retryPolicy: { initialInterval: 1000, backoffCoefficient: 2 } });
    const beats: ExportCheckpoint[] = [];
    first.on('heartbeat', (d: ExportCheckpoint) => {
      beats.push(d);
      if (d.account === 2 && d.transactionPages[2] === 1) {
        h.sandbox.setFaults({ serverError: { next: 1, match: `/accounts/${d.accounts[3]!.guid}/transactions` } });
      }
    });
    const input = { ...ref, ...window(), keyPrefix: 'faulted' };
    const failure = await failureOf(first.run(h.activities.exportAccountsAndTransactions, input));
    // Pages were stored before the fault: the retry waits the first interval, not a grown backoff.
    expect(failure).toMatchObject({ type: 'MxServerError', nonRetryable: false, nextRetryDelay: 1000 });
    const checkpoint = beats.at(-1)!;
    expect(checkpoint).toMatchObject({ account: 3, transactionPages: [2, 2, 2, 0, 0] });

    // The retry: anything already stored that it asks for again fails the test.
    const [a0, a1, a2] = checkpoint.accounts;
    h.sandbox.setFaults({
      rateLimit: { rate: 1, match: `/members/${ref.memberGuid}/accounts` },
      serverError: { rate: 1, match: `/accounts/${a0!.guid}/transactions` },
      garbledBody: { rate: 1, match: `/accounts/${a1!.guid}/transactions` },
      mixed: { rate: 1, match: `/accounts/${a2!.guid}/transactions` },
    });
    try {
      const retry = new MockActivityEnvironment({ heartbeatDetails: checkpoint });
      const resumed = (await retry.run(h.activities.exportAccountsAndTransactions, input)) as ExportResult;
      expect(resumed).toMatchObject({ accountCount: 5, transactionCount: 7500, accounts: clean.accounts });
      expect(await bytesOf(resumed)).toEqual(await bytesOf(clean));
      expect(await filesUnder(join(h.root, 'faulted'))).toEqual(['accounts.ndjson', 'transactions.ndjson']);
    } finally {
      h.sandbox.setFaults({});
    }
  });

  it('backs off from the last attempt that stored a page; with none, leaves it to the retry policy', async () => {
    const policy = { initialInterval: 1000, backoffCoefficient: 2, maximumInterval: 30_000 };
    const input = { ...ref, ...window(), keyPrefix: 'no-progress' };
    const failureAt = async (attempt: number, heartbeatDetails?: ExportCheckpoint) => {
      h.sandbox.setFaults({ serverError: { next: 1 } });
      return await failureOf(
        new MockActivityEnvironment({ retryPolicy: policy, attempt, heartbeatDetails }).run(
          h.activities.exportAccountsAndTransactions,
          input,
        ),
      );
    };
    expect(await failureAt(7)).toMatchObject({ type: 'MxServerError', nextRetryDelay: undefined });
    // Attempt 3 stored the accounts; attempts 5 and 9 fail on their first request.
    const beats: ExportCheckpoint[] = [];
    const env = new MockActivityEnvironment({ retryPolicy: policy, attempt: 3 });
    env.on('heartbeat', (d: ExportCheckpoint) => {
      beats.push(d);
      h.sandbox.setFaults({ serverError: { next: 1 } });
    });
    expect(await failureOf(env.run(h.activities.exportAccountsAndTransactions, input))).toMatchObject({ nextRetryDelay: 1000 });
    expect(beats.at(-1)).toMatchObject({ progressAttempt: 3, accountsListed: true });
    expect(await failureAt(5, beats.at(-1))).toMatchObject({ nextRetryDelay: 4000 });
    expect(await failureAt(9, beats.at(-1))).toMatchObject({ nextRetryDelay: 30_000 });
    h.sandbox.setFaults({ rateLimit: { next: 1, retryAfterSeconds: 7 } });
    const rateLimited = await failureOf(
      new MockActivityEnvironment({ retryPolicy: policy, attempt: 9, heartbeatDetails: beats.at(-1) }).run(
        h.activities.exportAccountsAndTransactions,
        input,
      ),
    );
    expect(rateLimited).toMatchObject({ type: 'MxRateLimited', nextRetryDelay: 7000 });
  });

  it('starts afresh when the parts a checkpoint counts are gone, and still writes the same bytes', async () => {
    const clean = await h.activities.exportAccountsAndTransactions({ ...ref, ...window(), keyPrefix: 'clean-2' });
    const lost: ExportCheckpoint = {
      accounts: clean.accounts,
      accountPages: 1,
      accountsListed: true,
      transactionPages: [2, 1, 0, 0, 0],
      account: 1,
    };
    const env = new MockActivityEnvironment({ heartbeatDetails: lost });
    const result = (await env.run(h.activities.exportAccountsAndTransactions, { ...ref, ...window(), keyPrefix: 'lost' })) as ExportResult;
    expect(result.transactionCount).toBe(7500);
    expect(await bytesOf(result)).toEqual(await bytesOf(clean));
  });
});
