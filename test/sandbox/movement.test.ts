/* eslint-disable @typescript-eslint/no-explicit-any -- wire JSON: the assertions and the OpenAPI validator check its shape */
// The sandbox's data moves with its clock: after the first aggregation nothing changes until the clock
// moves and the member is aggregated again; then new transactions appear, pending ones post (same guid
// or a new one), some are voided, balances move. Same seed and clock -> the same data.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/server';
import { basicAuth, SandboxClient } from './helpers/client';
import { SpecValidator } from './helpers/openapi';

const DAY_S = 86_400;
let sandbox: Sandbox;
let client: SandboxClient;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, jobDurationMs: 100, transactionsPerAccount: 80 });
  client = new SandboxClient(sandbox.url);
});
afterAll(async () => {
  await sandbox.close();
});

async function connectedMember(id: string) {
  const user = await client.createUser(id);
  const created = await client.createMember(user, 'password');
  const guid = created.json.member.guid as string;
  await client.settle(user, guid);
  return { user, guid, path: `/users/${user}/members/${guid}` };
}

async function everything(path: string): Promise<any[]> {
  const all: any[] = [];
  for (let page = 1; ; page++) {
    const { json } = await client.get(`${path}/transactions?from_date=2000-01-01&to_date=2100-01-01&records_per_page=1000&page=${page}`);
    all.push(...json.transactions);
    if (page >= json.pagination.total_pages) return all;
  }
}

async function advance(days: number) {
  const answer = await client.call('POST', '/_sandbox/clock', {
    body: { advance_seconds: days * DAY_S },
    accept: null,
    acceptVersion: null,
  });
  expect(answer.status).toBe(200);
  return answer.json.clock;
}

async function aggregate(member: { user: string; guid: string; path: string }) {
  expect((await client.post(`${member.path}/aggregate`)).status).toBe(202);
  await client.settle(member.user, member.guid);
}

describe('the sandbox clock moves the data', () => {
  it('nothing moves without a new aggregation; after one, the bank is shown as of the new day', async () => {
    const member = await connectedMember('movement-1');
    const before = await everything(member.path);
    expect(before).toHaveLength(5 * 80);
    const pendingBefore = before.filter((t) => t.status === 'PENDING');
    expect(pendingBefore.length).toBeGreaterThan(0);
    const balancesBefore = (await client.get(`${member.path}/accounts`)).json.accounts.map((a: any) => a.balance);

    const clock = await advance(5);
    expect(clock.offset_seconds).toBe(5 * DAY_S);
    expect(await everything(member.path)).toEqual(before); // MX shows the last aggregation's data

    await aggregate(member);
    const after = await everything(member.path);
    const byGuid = new Map(after.map((t) => [t.guid, t]));
    const beforeGuids = new Set(before.map((t) => t.guid));
    // Every baseline pending transaction has had 5 days to post: posted in place, replaced, or voided.
    let inPlace = 0;
    let gone = 0;
    for (const pending of pendingBefore) {
      const now = byGuid.get(pending.guid);
      if (now) {
        inPlace += 1;
        expect(now).toMatchObject({ status: 'POSTED', date: pending.date, description: pending.description });
        expect(now.posted_at).not.toBeNull();
      } else gone += 1;
    }
    expect(inPlace).toBeGreaterThan(0);
    expect(gone).toBeGreaterThan(0);
    const added = after.filter((t) => !beforeGuids.has(t.guid));
    expect(added.some((t) => t.status === 'PENDING')).toBe(true);
    expect(added.some((t) => t.date > pendingBefore[0].date)).toBe(true);
    // A replacement: POSTED, new guid, same account, amount and description as a vanished pending one.
    const vanished = pendingBefore.filter((p) => !byGuid.has(p.guid));
    const replaced = vanished.filter((p) =>
      added.some(
        (t) =>
          t.status === 'POSTED' &&
          t.account_guid === p.account_guid &&
          t.amount === p.amount &&
          t.original_description === p.original_description &&
          t.date === p.date,
      ),
    );
    expect(replaced.length).toBeGreaterThan(0);
    expect(replaced.length).toBeLessThan(vanished.length + 1);
    // Posted baseline transactions are untouched.
    for (const t of before.filter((x) => x.status === 'POSTED')) expect(byGuid.get(t.guid)).toEqual(t);
    // Balances moved by what posted.
    const balancesAfter = (await client.get(`${member.path}/accounts`)).json.accounts.map((a: any) => a.balance);
    expect(balancesAfter).not.toEqual(balancesBefore);
    // Responses still match MX's document.
    const spec = new SpecValidator('v20111101');
    const problems = client.exchanges.filter((e) => !e.path.startsWith('/_sandbox')).flatMap((e) => spec.problems(e));
    expect(problems).toEqual([]);
  });

  it('the same seed and clock give the same data in another sandbox', async () => {
    const other = await startSandbox({ port: 0, jobDurationMs: 100, transactionsPerAccount: 80 });
    try {
      const otherClient = new SandboxClient(other.url);
      const run = async (c: SandboxClient, s: Sandbox) => {
        const user = await c.createUser('same-1');
        const guid = (await c.createMember(user, 'password')).json.member.guid;
        await c.settle(user, guid);
        s.advanceClock(3 * DAY_S * 1000);
        await c.post(`/users/${user}/members/${guid}/aggregate`);
        await c.settle(user, guid);
        const { transactions } = (
          await c.get(`/users/${user}/members/${guid}/transactions?from_date=2000-01-01&to_date=2100-01-01&records_per_page=1000`)
        ).json;
        // The first aggregation's own moment stamps the baseline (wall clock); everything else is the seed's.
        return transactions.map(({ created_at: _c, updated_at: _u, ...rest }: any) => rest);
      };
      const fresh = await startSandbox({ port: 0, jobDurationMs: 100, transactionsPerAccount: 80 });
      try {
        expect(await run(otherClient, other)).toEqual(await run(new SandboxClient(fresh.url), fresh));
      } finally {
        await fresh.close();
      }
    } finally {
      await other.close();
    }
  });

  it('the clock route refuses going back and bad bodies, with the reason', async () => {
    const back = await client.call('POST', '/_sandbox/clock', { body: { advance_seconds: -1 }, accept: null, acceptVersion: null });
    expect(back.status).toBe(400);
    expect(back.json.error.message).toMatch(/only moves forward/);
    const text = await client.call('POST', '/_sandbox/clock', { body: { advance_seconds: '1d' }, accept: null, acceptVersion: null });
    expect(text.status).toBe(400);
    const noAuth = await client.call('POST', '/_sandbox/clock', {
      body: { advance_seconds: 1 },
      accept: null,
      acceptVersion: null,
      auth: null,
    });
    expect(noAuth.status).toBe(401);
    const read = await client.call('GET', '/_sandbox/clock', { accept: null, acceptVersion: null, auth: basicAuth() });
    expect(read.json.clock.offset_seconds).toBeGreaterThanOrEqual(5 * DAY_S);
  });
});
