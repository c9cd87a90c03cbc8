// fetchStatements on the real dev server, the sandbox and the real activities.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failureOf, resultOf, startGuideEnv, waitForProgress, type GuideEnv } from './guide-env';
import { guideScenarios } from './scenarios';
import { checkStatementFiles, meetStatementsJobConflict } from './statements-checks';

describe('fetchStatements', () => {
  guideScenarios('fetchStatements', checkStatementFiles);
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
      // A re-run for a user whose member is busy: an aggregation (as if another tool had asked for it)
      // runs when the run reaches the member, so it waits for that job before starting its own.
      const userId = `busy-${Date.now()}`;
      const first = await resultOf(await slow.start('fetchStatements', { userId }));
      await slow.sandboxPost(`/users/${first.user.guid}/members/${first.member.guid}/aggregate`);
      const handle = await slow.start('fetchStatements', { userId });
      await waitForProgress(handle, (p) => /already running/.test(p.waitingFor), 20_000, 20);
      const manifest = await resultOf(handle);
      expect(manifest.attempts.jobStarts).toBe(1);
      expect(manifest.statements!.count).toBeGreaterThan(0);
    } finally {
      await slow.close();
    }
  });

  it("answers MX's 409 to the statements-job start by waiting, then starting it again", { timeout: 60_000 }, () =>
    meetStatementsJobConflict(`conflict-${Date.now()}`),
  );
});
