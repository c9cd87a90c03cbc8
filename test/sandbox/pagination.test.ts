/* eslint-disable @typescript-eslint/no-explicit-any -- wire JSON: the assertions and the OpenAPI validator check its shape */
// MX pagination: default 25, 10..1000 (10..100 on institutions), above the maximum falls back to 25;
// and the transaction date window (default 120 days back to 5 days ahead).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/server';
import { SandboxClient } from './helpers/client';

let sandbox: Sandbox;
let client: SandboxClient;
const PER_ACCOUNT = 2500;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, jobDurationMs: 20, transactionsPerAccount: PER_ACCOUNT });
  client = new SandboxClient(sandbox.url);
  for (let i = 0; i < 30; i++) await client.createUser(`page-${i}`);
});
afterAll(async () => {
  await sandbox.close();
});

const pagination = async (path: string) => (await client.get(path)).json.pagination;

describe('pagination', () => {
  it('defaults to 25 per page, page 1', async () => {
    expect(await pagination('/users')).toEqual({ current_page: 1, per_page: 25, total_entries: 30, total_pages: 2 });
    expect((await client.get('/users?page=2')).json.users).toHaveLength(5);
  });

  it('above the maximum falls back to 25; below 10 becomes 10', async () => {
    expect((await pagination('/users?records_per_page=1000')).per_page).toBe(1000);
    expect((await pagination('/users?records_per_page=1001')).per_page).toBe(25);
    expect((await pagination('/users?records_per_page=3')).per_page).toBe(10);
    expect((await pagination('/institutions?records_per_page=100')).per_page).toBe(100);
    expect((await pagination('/institutions?records_per_page=101')).per_page).toBe(25);
  });

  it('a page past the end is empty; bad numbers are a 400 naming the parameter', async () => {
    const past = await client.get('/users?page=9');
    expect(past.json.users).toEqual([]);
    expect(past.json.pagination).toEqual({ current_page: 9, per_page: 25, total_entries: 30, total_pages: 2 });
    expect((await client.get('/users?page=0')).json.error.message).toMatch(/page/);
    expect((await client.get('/users?records_per_page=ten')).json.error.message).toMatch(/records_per_page/);
  });

  it('filters users by id', async () => {
    const users = (await client.get('/users?id=page-7')).json.users;
    expect(users.map((u: any) => u.id)).toEqual(['page-7']);
  });
});

describe('transactions', () => {
  it('pages through every transaction of a member exactly once, in date order per account', async () => {
    const user = await client.createUser('volume');
    const member = (await client.createMember(user, 'password')).json.member.guid;
    await client.settle(user, member);
    const accounts = (await client.get(`/users/${user}/members/${member}/accounts`)).json.accounts;
    const total = accounts.length * PER_ACCOUNT;
    const seen = new Set<string>();
    let last = { account: '', date: '' };
    for (let page = 1; ; page++) {
      const { json } = await client.get(`/users/${user}/members/${member}/transactions?records_per_page=1000&page=${page}`);
      expect(json.pagination.total_entries).toBe(total);
      for (const t of json.transactions) {
        seen.add(t.guid);
        if (t.account_guid === last.account) expect(t.date >= last.date).toBe(true);
        last = { account: t.account_guid, date: t.date };
      }
      if (page >= json.pagination.total_pages) break;
    }
    expect(seen.size).toBe(total);
  });

  it('filters by from_date / to_date (inclusive) and rejects malformed dates', async () => {
    const user = await client.createUser('dates');
    const member = (await client.createMember(user, 'password')).json.member.guid;
    await client.settle(user, member);
    const account = (await client.get(`/users/${user}/accounts`)).json.accounts[0].guid;
    const path = `/users/${user}/accounts/${account}/transactions`;
    const all = (await client.get(`${path}?records_per_page=1000`)).json;
    expect(all.pagination.total_entries).toBe(PER_ACCOUNT);
    const day = all.transactions[500].date as string;
    const oneDay = (await client.get(`${path}?from_date=${day}&to_date=${day}&records_per_page=1000`)).json;
    expect(oneDay.transactions.length).toBeGreaterThan(0);
    expect(oneDay.transactions.every((t: any) => t.date === day)).toBe(true);
    const future = (await client.get(`${path}?from_date=2999-01-01`)).json;
    expect(future.pagination.total_entries).toBe(0);
    expect(future.pagination.total_pages).toBe(0);
    const old = (await client.get(`${path}?from_date=1999-01-01&to_date=1999-12-31`)).json;
    expect(old.transactions).toEqual([]);
    expect((await client.get(`${path}?from_date=2024-02-30`)).status).toBe(400);
    expect((await client.get(`${path}?to_date=yesterday`)).json.error.message).toMatch(/to_date/);
  });
});
