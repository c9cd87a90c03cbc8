// fetchStatements on the real dev server, the sandbox and the real activities.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunManifest } from '../../workflows/manifest';
import { failureOf, resultOf, startGuideEnv, waitForProgress, type GuideEnv } from './guide-env';
import { guideScenarios } from './scenarios';

interface StatementsPage {
  statements: { guid: string; content_hash: string }[];
  pagination: { total_entries: number };
}

async function checkFiles(env: GuideEnv, manifest: RunManifest): Promise<void> {
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

describe('fetchStatements', () => {
  guideScenarios('fetchStatements', checkFiles);
});

describe('fetchStatements specifics', () => {
  let env: GuideEnv;
  beforeAll(async () => {
    env = await startGuideEnv();
  });
  afterAll(async () => {
    await env?.close();
  });

  it('fails as InstitutionUnsupported for an institution without statements', async () => {
    const failure = await failureOf(await env.start('fetchStatements', { institutionCode: 'mxcu' }));
    expect(failure.type).toBe('InstitutionUnsupported');
    expect(failure.message).toMatch(/Next: /);
  });

  it('downloads nothing again for statements already stored (same keys, same hashes)', async () => {
    const userId = `again-${Date.now()}`;
    const first = await resultOf(await env.start('fetchStatements', { userId }));
    const second = await resultOf(await env.start('fetchStatements', { userId }));
    expect(second.statements!.files.map((f) => [f.key, f.sha256])).toEqual(first.statements!.files.map((f) => [f.key, f.sha256]));
  });
  it('waits for another job running on the member before starting its statements job', { timeout: 60_000 }, async () => {
    // Jobs long enough to still run when the workflow looks (the other tests keep 400 ms jobs).
    const slow = await startGuideEnv({ jobDurationMs: 3_000 });
    try {
      // The first status read after the member exists fails (503) and is retried a second later: in that
      // second an aggregation starts on the member, as if another tool had asked for it.
      slow.sandbox.setFaults({ serverError: { next: 1, match: '/status' } });
      const handle = await slow.start('fetchStatements', { userId: `busy-${Date.now()}` });
      const started = await waitForProgress(handle, (p) => p.memberGuid !== null && p.step === 'WAITING_FOR_JOB', 20_000, 20);
      await slow.sandboxPost(`/users/${started.userGuid}/members/${started.memberGuid}/aggregate`);
      await waitForProgress(handle, (p) => /already running/.test(p.waitingFor), 20_000, 20);
      const manifest = await resultOf(handle);
      expect(manifest.attempts.jobStarts).toBe(1);
      expect(manifest.statements!.count).toBeGreaterThan(0);
    } finally {
      await slow.close();
    }
  });

  it("answers MX's 409 to the statements-job start by waiting, then starting it again", { timeout: 60_000 }, async () => {
    const slow = await startGuideEnv({ jobDurationMs: 3_000 });
    try {
      // The first start fails (503) and its retry comes a second later; in that second an aggregation
      // starts on the member, so the retry meets MX's 409 "another job is running".
      slow.sandbox.setFaults({ serverError: { next: 1, match: '/fetch_statements' } });
      const handle = await slow.start('fetchStatements', { userId: `conflict-${Date.now()}` });
      const starting = await waitForProgress(handle, (p) => p.memberGuid !== null && p.step === 'STARTING_JOB', 20_000, 20);
      await slow.sandboxPost(`/users/${starting.userGuid}/members/${starting.memberGuid}/aggregate`);
      const waiting = await waitForProgress(handle, (p) => /MX 409/.test(p.waitingFor), 20_000, 20);
      expect(waiting.lastError).toMatch(/409/);
      const manifest = await resultOf(handle);
      expect(manifest.attempts.jobStarts).toBe(1);
      expect(manifest.statements!.count).toBeGreaterThan(0);
      await checkFiles(slow, manifest);
    } finally {
      await slow.close();
    }
  });
});
