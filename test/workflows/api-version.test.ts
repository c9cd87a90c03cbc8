// Both guides end to end with MX_API_VERSION=v20250224: the real dev server, the sandbox speaking
// v20250224, the real activities. Same workflow input, same manifest as with v20111101; MFA, the
// statements, and MX's 409 paths (duplicate member, another job running) included. Then a run in
// flight while the setting changes: started by a v20111101 worker, finished by a v20250224 one.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities, systemClock } from '../../activities';
import { SANDBOX_API_KEY, SANDBOX_CLIENT_ID } from '../../src/config';
import { createMxClient } from '../../src/mx/client';
import type { MxApiVersion } from '../../src/mx/versions';
import { startSandbox } from '../../src/sandbox/server';
import { createLocalStorage } from '../../src/storage/local';
import { createWorker } from '../../src/worker/create-worker';
import { answerMfaUpdate, mfaAnswersSignal } from '../../workflows/messages';
import { connectToTestServer, uniqueName, workflowBundlePath } from '../helpers/temporal';
import { awaitingMfa, failureOf, FAST, resultOf, startGuideEnv, waitForProgress, type GuideEnv } from './guide-env';
import { checkStatementFiles, meetStatementsJobConflict } from './statements-checks';

interface Page {
  pagination: { total_entries: number };
}

let env: GuideEnv;
beforeAll(async () => {
  env = await startGuideEnv({ apiVersion: 'v20250224' });
});
afterAll(async () => {
  await env?.close();
});

async function answer(handle: Awaited<ReturnType<GuideEnv['start']>>, value = 'correct') {
  const waiting = await waitForProgress(handle, awaitingMfa);
  return await handle.executeUpdate(answerMfaUpdate, { args: [{ answers: [{ guid: waiting.mfa.challenges[0]!.guid, value }] }] });
}

describe('MX_API_VERSION=v20250224', () => {
  it('fetchAccountData: answers MFA and exports every account and transaction in the window', async () => {
    const handle = await env.start('fetchAccountData', { password: 'challenge' });
    expect(await answer(handle)).toMatchObject({ round: 1, outcome: 'CONNECTED' });
    const manifest = await resultOf(handle);
    expect(manifest.member.connectionStatus).toBe('CONNECTED');
    const member = `/users/${manifest.user.guid}/members/${manifest.member.guid}`;
    const { fromDate, toDate } = manifest.window!;
    const window = `from_date=${Date.parse(fromDate) / 1000}&to_date=${Date.parse(toDate) / 1000 + 86_399}`;
    const held = await env.sandboxGet<Page>(`${member}/transactions?${window}&records_per_page=10`);
    expect(held.pagination.total_entries).toBeGreaterThan(0);
    expect(manifest.accounts!.transactionCount).toBe(held.pagination.total_entries);
    const lines = readFileSync(join(env.storageDir, manifest.accounts!.transactionsKey), 'utf8').split('\n').filter(Boolean);
    expect(lines).toHaveLength(held.pagination.total_entries);
  });

  it("fetchStatements: answers an OPTIONS challenge and stores every PDF with MX's hash", async () => {
    const handle = await env.start('fetchStatements', { password: 'options' });
    await answer(handle);
    const manifest = await resultOf(handle);
    expect(manifest.attempts).toMatchObject({ mfaRounds: 1, jobStarts: 1 });
    expect(manifest.statements!.count).toBeGreaterThan(0);
    await checkStatementFiles(env, manifest);
  });

  it.each(['fetchAccountData', 'fetchStatements'] as const)('%s: reuses the member when MX answers 409 (duplicate)', async (type) => {
    const userId = uniqueName('dup');
    const first = await resultOf(await env.start(type, { userId }));
    const second = await resultOf(await env.start(type, { userId }));
    expect(second.member).toMatchObject({ guid: first.member.guid, reused: true, connectionStatus: 'CONNECTED' });
  });

  it('fetchStatements: fails as InstitutionUnsupported where supported_products lacks statements', async () => {
    const failure = await failureOf(await env.start('fetchStatements', { institutionCode: 'mxcu' }));
    expect(failure.type).toBe('InstitutionUnsupported');
  });

  it("fetchStatements: meets MX's 409 (another job running) on the statements job, waits, starts it again", { timeout: 60_000 }, () =>
    meetStatementsJobConflict(uniqueName('conflict'), 'v20250224'),
  );
});

describe('changing MX_API_VERSION while a run waits', () => {
  it('a run started by a v20111101 worker is finished by a v20250224 worker', { timeout: 60_000 }, async () => {
    const temporal = await connectToTestServer();
    const sandbox = await startSandbox({ port: 0, jobDurationMs: 400 });
    const storageDir = mkdtempSync(join(tmpdir(), 'mx-version-'));
    const taskQueue = uniqueName('version-switch');
    const workerFor = (apiVersion: MxApiVersion) => {
      const mx = createMxClient({
        baseUrl: sandbox.url,
        clientId: SANDBOX_CLIENT_ID,
        apiKey: SANDBOX_API_KEY,
        timeoutMs: 5_000,
        apiVersion,
      });
      const activities = createActivities({ mx, storage: createLocalStorage(storageDir), clock: systemClock });
      return createWorker({
        connection: temporal.nativeConnection,
        namespace: 'default',
        taskQueue,
        activities,
        workflowBundle: { codePath: workflowBundlePath() },
        shutdownGraceTime: 1_000,
      });
    };
    try {
      const before = await workerFor('v20111101');
      const runningBefore = before.run();
      const handle = await temporal.client.workflow.start('fetchStatements', {
        taskQueue,
        workflowId: uniqueName('fetch-statements-switch'),
        args: [
          { userId: uniqueName('switch'), institutionCode: 'mxbank', credentials: { username: 'mxuser', password: 'challenge' }, ...FAST },
        ],
      });
      const waiting = await waitForProgress(handle, awaitingMfa);
      before.shutdown();
      await runningBefore;

      const after = await workerFor('v20250224');
      const runningAfter = after.run();
      try {
        await handle.signal(mfaAnswersSignal, { answers: [{ guid: waiting.mfa.challenges[0]!.guid, value: 'correct' }] });
        const manifest = await resultOf(handle);
        expect(manifest.member.connectionStatus).toBe('CONNECTED');
        expect(manifest.statements!.count).toBeGreaterThan(0);
      } finally {
        after.shutdown();
        await runningAfter;
      }
    } finally {
      await sandbox.close();
      await temporal.close();
      rmSync(storageDir, { recursive: true, force: true });
    }
  });
});
