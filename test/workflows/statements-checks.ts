// What fetchStatements tests check under either MX API version (fetch-statements.test.ts for v20111101,
// api-version.test.ts for v20250224): the stored PDFs against what the sandbox holds, and the path
// through MX's 409 when another job runs on the member while the statements job starts.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { MxApiVersion } from '../../src/mx/versions';
import type { RunManifest } from '../../workflows/manifest';
import { resultOf, startGuideEnv, waitForProgress, type GuideEnv } from './guide-env';

interface StatementsPage {
  statements: { guid: string; content_hash: string }[];
  pagination: { total_entries: number };
}

/** Every statement the sandbox holds is stored once, a PDF of the manifest's size with MX's content_hash; the manifest is stored too. */
export async function checkStatementFiles(env: GuideEnv, manifest: RunManifest): Promise<void> {
  const held = await env.sandboxGet<StatementsPage>(
    `/users/${manifest.user.guid}/members/${manifest.member.guid}/statements?records_per_page=1000`,
  );
  const files = manifest.statements!.files;
  expect(held.pagination.total_entries).toBeGreaterThan(0);
  expect(files).toHaveLength(held.pagination.total_entries);
  const hashes = new Map(held.statements.map((s) => [s.guid, s.content_hash]));
  for (const file of files) {
    const bytes = readFileSync(join(env.storageDir, file.key));
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    expect(bytes.length).toBe(file.bytes);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(hashes.get(file.guid));
  }
  expect(JSON.parse(readFileSync(join(env.storageDir, manifest.manifestKey), 'utf8'))).toEqual(manifest);
}

/** fetchStatements meets MX's 409 (another job running) on the statements job, waits, and starts it again. */
export async function meetStatementsJobConflict(userId: string, apiVersion?: MxApiVersion): Promise<void> {
  const slow = await startGuideEnv({ jobDurationMs: 3_000, ...(apiVersion ? { apiVersion } : {}) });
  try {
    // MX holds the start of the statements job for two seconds; in them an aggregation starts on the
    // member (as if another tool asked for it), so the start meets MX's 409 "another job is running".
    slow.sandbox.setFaults({ slow: { ms: 2_000, next: 1, match: '/fetch_statements' } });
    const handle = await slow.start('fetchStatements', { userId });
    const member = await sandboxMemberOf(slow, userId);
    await slow.sandboxPost(`/users/${member.userGuid}/members/${member.memberGuid}/aggregate`);
    const waiting = await waitForProgress(handle, (p) => /MX 409/.test(p.waitingFor), 20_000, 20);
    expect(waiting.lastError).toMatch(/409/);
    const manifest = await resultOf(handle);
    expect(manifest.attempts.jobStarts).toBe(1);
    await checkStatementFiles(slow, manifest);
  } finally {
    await slow.close();
  }
}

/** The member the run created for `userId`, as soon as MX holds it (read from the sandbox, as MX's API). */
export async function sandboxMemberOf(env: GuideEnv, userId: string): Promise<{ userGuid: string; memberGuid: string }> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const { users } = await env.sandboxGet<{ users: { guid: string; id: string }[] }>(`/users?id=${encodeURIComponent(userId)}`);
    const user = users.find((u) => u.id === userId);
    if (user) {
      const { members } = await env.sandboxGet<{ members: { guid: string }[] }>(`/users/${user.guid}/members`);
      if (members[0]) return { userGuid: user.guid, memberGuid: members[0].guid };
    }
    if (Date.now() > deadline) throw new Error(`No member for user ${userId} at the sandbox after 20 s`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
