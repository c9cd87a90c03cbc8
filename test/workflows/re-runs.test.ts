// Re-runs touch only what they should: one user with two members at MX Bank (different credentials),
// each guide run again for each member, on the real dev server, the sandbox and the real activities.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunManifest } from '../../workflows/manifest';
import { resultOf, startGuideEnv, type GuideEnv } from './guide-env';

interface MemberView {
  guid: string;
  id: string | null;
  connection_status: string | null;
  most_recent_job_guid: string | null;
  aggregated_at: string | null;
}

const CHECKING = { username: 'mxuser', password: 'password' };
const SAVINGS = { username: 'mxuser', password: 'second-password' };

describe('re-runs with two members of one user at one institution', () => {
  let env: GuideEnv;
  beforeAll(async () => {
    env = await startGuideEnv();
  });
  afterAll(async () => {
    await env?.close();
  });

  /** What a credentials update would change: the sandbox starts a job (or marks the member UPDATED). */
  const membersOf = async (userGuid: string) => {
    const { members } = await env.sandboxGet<{ members: MemberView[] }>(`/users/${userGuid}/members`);
    return new Map(members.map((m) => [m.guid, [m.id, m.connection_status, m.most_recent_job_guid, m.aggregated_at]]));
  };
  const run = async (type: 'fetchStatements' | 'fetchAccountData', userId: string, credentials: Record<string, string>) =>
    await resultOf(await env.start(type, { userId, credentials }));

  it(
    'uses the member with these credentials, writes nothing to the other, and downloads no stored PDF again',
    { timeout: 120_000 },
    async () => {
      const userId = `two-members-${Date.now()}`;
      const checking = await run('fetchStatements', userId, CHECKING);
      const savings = await run('fetchStatements', userId, SAVINGS);
      expect(checking.member.reused).toBe(false);
      expect(savings.member.reused).toBe(false);
      expect(savings.member.guid).not.toBe(checking.member.guid);
      expect(savings.user.guid).toBe(checking.user.guid);

      const rerun = async (
        type: 'fetchStatements' | 'fetchAccountData',
        credentials: Record<string, string>,
        first: RunManifest,
        other: RunManifest,
      ) => {
        const before = await membersOf(first.user.guid);
        const again = await run(type, userId, credentials);
        expect(again.member).toMatchObject({ guid: first.member.guid, reused: true });
        expect((await membersOf(first.user.guid)).get(other.member.guid)).toEqual(before.get(other.member.guid));
        return again;
      };
      // The second member first: taking the first member at the institution was the old mistake.
      for (const [credentials, first, other] of [
        [SAVINGS, savings, checking],
        [CHECKING, checking, savings],
      ] as const) {
        const again = await rerun('fetchStatements', credentials, first, other);
        const files = again.statements!.files;
        expect(files.length).toBe(first.statements!.count);
        expect(files.length).toBeGreaterThan(0);
        expect(files.filter((f) => !f.skipped).map((f) => f.key)).toEqual([]);
        expect(files.map((f) => [f.key, f.sha256])).toEqual(first.statements!.files.map((f) => [f.key, f.sha256]));
      }
      for (const [credentials, first, other] of [
        [SAVINGS, savings, checking],
        [CHECKING, checking, savings],
      ] as const) {
        const again = await rerun('fetchAccountData', credentials, first, other);
        expect(again.accounts!.count).toBeGreaterThan(0);
      }
      expect((await membersOf(checking.user.guid)).size).toBe(2);
    },
  );
});
