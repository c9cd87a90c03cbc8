// Determinism: every recorded history (test/histories/*.json, from the workflow integration tests) must
// replay against today's workflow code. A change that would break running workflows fails here.
// Re-record with: RECORD_HISTORIES=1 npx vitest run test/workflows
// Histories of runs as older code made them stay in a folder named for the change that followed (e.g.
// before-fewer-round-trips/): runs started then may still be running, and must replay too.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Worker } from '@temporalio/worker';
import { workflowBundlePath } from '../helpers/temporal';

const dir = resolve('test/histories');
const histories = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.json'));
const current = histories.filter((name) => !name.includes('/'));

describe('replay of recorded guide histories', () => {
  it('has histories of both guides, with and without MFA', () => {
    for (const guide of ['fetchAccountData', 'fetchStatements']) {
      const own = current.filter((name) => name.startsWith(`${guide}-`));
      expect(own.some((name) => name.includes('-mfa-'))).toBe(true);
      expect(own.some((name) => !name.includes('-mfa-'))).toBe(true);
    }
  });

  it.each(histories)('%s replays without nondeterminism', async (name) => {
    const history = JSON.parse(readFileSync(join(dir, name), 'utf8'));
    await Worker.runReplayHistory({ workflowBundle: { codePath: workflowBundlePath() }, replayName: name }, history);
  });
});
