/* eslint-disable @typescript-eslint/no-explicit-any -- wire JSON from the sandbox */
// refreshMember end to end, all real (dev server, sandbox over HTTP, activities, local storage): a member
// made by fetchAccountData, then simulated days with a refresh after each; the stored state must equal
// the sandbox's truth and each change set exactly what changed. A crash between writing the new state
// and committing it; a refresh started while another run works on the member; a member that needs the user.
import { ApplicationFailure } from '@temporalio/common';
import type { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities, systemClock } from '../../activities';
import type { RefreshResult } from '../../workflows/refresh-member';
import { SANDBOX_API_KEY, SANDBOX_CLIENT_ID } from '../../src/config';
import { createMxClient } from '../../src/mx/client';
import { createLocalStorage } from '../../src/storage/local';
import type { Storage } from '../../src/storage/types';
import { createWorker } from '../../src/worker/create-worker';
import { answerMfaUpdate } from '../../workflows/messages';
import { uniqueName, workflowBundlePath } from '../helpers/temporal';
import {
  awaitingMfa,
  failureOf,
  progressOf,
  recordHistory,
  resultOf,
  startGuideEnv,
  waitForProgress,
  type GuideEnv,
} from '../workflows/guide-env';
import { changeSet, DAY_MS, expectedChanges, readPointerFile, sandboxTruth, setPassword, startRefresh, storedState } from './helpers';

let env: GuideEnv;
beforeAll(async () => {
  env = await startGuideEnv({ jobDurationMs: 300, transactionsPerAccount: 60 });
});
afterAll(async () => {
  await env?.close();
});

const toMap = (state: ReturnType<typeof storedState>) => new Map([...state].map(([guid, r]) => [guid, r.transaction]));

/** The member's state must be the sandbox's truth, and the change set exactly the difference. */
function checkRun(result: RefreshResult, userId: string, before: Map<string, any>, truth: Map<string, any>) {
  const state = storedState(env, userId, result.member.guid);
  expect(toMap(state)).toEqual(truth);
  const changes = changeSet(env, result.reconciliation.changesKey);
  const expected = expectedChanges(before, truth, changes);
  expect(expected.problems).toEqual([]);
  const of = (kind: string) =>
    changes
      .filter((c) => c.change === kind)
      .map((c) => c.guid)
      .sort();
  expect(of('added')).toEqual(expected.added);
  expect(of('removed')).toEqual(expected.removed);
  const sameGuid = changes
    .filter((c) => c.change === 'modified' && c.link === 'same-guid')
    .map((c) => c.guid)
    .sort();
  expect(sameGuid).toEqual(expected.modified);
  for (const c of changes) if (c.change === 'removed') expect(c.transaction).toEqual(before.get(c.guid));
  for (const c of changes.filter((x) => x.change === 'modified') as any[]) {
    expect(state.get(c.guid)!.transaction).toEqual(truth.get(c.guid));
    if (c.link === 'replaced-pending') expect(state.get(c.guid)!.replacedPendingGuid).toBe(c.previousGuid);
  }
  return { changes, linked: expected.linked };
}

describe('refreshMember', () => {
  it('keeps the member current over simulated days; a crash before the commit is followed by a correct run', async () => {
    const userId = uniqueName('refresh');
    const manifest = await resultOf(await env.start('fetchAccountData', { userId }));
    const memberGuid = manifest.member.guid;
    const from = manifest.window!.fromDate;
    let before = await sandboxTruth(env, manifest.user.guid, memberGuid, from);
    const seen = { added: 0, removed: 0, posted: 0, linked: 0 };

    for (const [day, days] of [1, 2, 1, 3].entries()) {
      env.sandbox.advanceClock(days * DAY_MS);
      const handle = await startRefresh(env, { userId, memberGuid });
      const result = (await handle.result()) as RefreshResult;
      if (day === 0) await recordHistory(handle, 'refreshMember-connected');
      if (day === 0) {
        // fetchAccountData's export was the baseline: every transaction of its window, added by its run.
        expect(result.baseline).toMatchObject({
          runId: manifest.runId,
          counts: { added: manifest.accounts!.transactionCount, modified: 0, removed: 0 },
        });
      } else expect(result.baseline).toBeNull();
      const truth = await sandboxTruth(env, manifest.user.guid, memberGuid, from);
      const { linked } = checkRun(result, userId, before, truth);
      seen.added += result.reconciliation.counts.added;
      seen.removed += result.reconciliation.counts.removed;
      seen.posted += result.reconciliation.counts.posted;
      seen.linked += linked;
      expect(readPointerFile(env, userId, memberGuid).changeSets).toHaveLength(day + 2);
      before = truth;
    }
    // Over these days the sandbox made every kind of change at least once.
    expect(seen.added).toBeGreaterThan(0);
    expect(seen.removed).toBeGreaterThan(0);
    expect(seen.posted).toBeGreaterThan(seen.linked);
    expect(seen.linked).toBeGreaterThan(0);

    // The crash: the new state and change set are written, then the commit (state.json) fails for good.
    const committed = readPointerFile(env, userId, memberGuid);
    env.sandbox.advanceClock(2 * DAY_MS);
    const crashQueue = uniqueName('refresh-crash');
    const crashing = await workerWith(crashQueue, crashOnCommit(createLocalStorage(env.storageDir)));
    try {
      const failure = await failureOf(await startRefresh(env, { userId, memberGuid }, crashQueue));
      expect(failure.message).toMatch(/injected crash/);
    } finally {
      await crashing.shutdown();
    }
    expect(readPointerFile(env, userId, memberGuid)).toEqual(committed); // the previous state is intact
    expect(toMap(storedState(env, userId, memberGuid))).toEqual(before);
    // The next run completes the reconciliation from the last committed state.
    const result = (await (await startRefresh(env, { userId, memberGuid })).result()) as RefreshResult;
    checkRun(result, userId, before, await sandboxTruth(env, manifest.user.guid, memberGuid, from));
    expect(readPointerFile(env, userId, memberGuid).changeSets.map((c) => c.runId)).toEqual([
      ...committed.changeSets.map((c) => c.runId),
      result.runId,
    ]);
  });

  it('started while fetchAccountData works on the member: waits, and creates no second job at MX meanwhile', async () => {
    const userId = uniqueName('refresh-busy');
    const guide = await env.start('fetchAccountData', { userId, password: 'challenge' });
    const waiting = await waitForProgress(guide, awaitingMfa);
    const member = `/users/${waiting.userGuid}/members/${waiting.memberGuid}`;
    const jobBefore = (await env.sandboxGet<any>(member)).member.most_recent_job_guid;
    const refresh = await startRefresh(env, { userId, memberGuid: waiting.memberGuid! });
    await waitForProgress(refresh, (p) => p.step === 'WAITING_FOR_OTHER_RUN');
    await new Promise((r) => setTimeout(r, 1_000));
    expect((await progressOf(refresh)).step).toBe('WAITING_FOR_OTHER_RUN');
    expect((await env.sandboxGet<any>(member)).member).toMatchObject({ most_recent_job_guid: jobBefore, connection_status: 'CHALLENGED' });
    await guide.executeUpdate(answerMfaUpdate, { args: [{ answers: [{ guid: waiting.mfa.challenges[0]!.guid, value: 'correct' }] }] });
    const manifest = await resultOf(guide);
    // The member's bank asks MFA on every aggregation: the refresh asks through the same messages.
    const asked = await waitForProgress(refresh, awaitingMfa);
    expect(asked.workflowType).toBe('refreshMember');
    await refresh.executeUpdate(answerMfaUpdate, { args: [{ answers: [{ guid: asked.mfa.challenges[0]!.guid, value: 'correct' }] }] });
    const result = (await refresh.result()) as RefreshResult;
    await recordHistory(refresh, 'refreshMember-mfa-after-other-run');
    expect(result.baseline?.runId).toBe(manifest.runId);
    expect(result.attempts).toMatchObject({ jobStarts: 1, mfaRounds: 1 }); // its own aggregation, after the guide's had ended
  });

  it('a member that needs new credentials: stops with the named outcome, starts no job', async () => {
    const userId = uniqueName('refresh-denied');
    const manifest = await resultOf(await env.start('fetchAccountData', { userId }));
    const member = `/users/${manifest.user.guid}/members/${manifest.member.guid}`;
    await setPassword(env, member, 'DENIED');
    const job = (await env.sandboxGet<any>(member)).member.most_recent_job_guid;
    const denied = await startRefresh(env, { userId, memberGuid: manifest.member.guid });
    const failure = await failureOf(denied);
    await recordHistory(denied, 'refreshMember-denied');
    expect(failure.type).toBe('NEEDS_NEW_CREDENTIALS');
    expect(failure.message).toMatch(/DENIED.*Next: Ask the user for their current credentials/s);
    expect((await env.sandboxGet<any>(member)).member.most_recent_job_guid).toBe(job);
  });

  it('bad input is refused naming each problem; an unknown member is named', async () => {
    const bad = await env.client.workflow.start('refreshMember', {
      taskQueue: env.taskQueue,
      workflowId: uniqueName('refresh-bad'),
      args: [{ userId: 'a b', credentials: {} }],
    });
    const failure = await failureOf(bad);
    expect(failure.type).toBe('INVALID_INPUT');
    expect(failure.message).toMatch(/userId: must be/);
    expect(failure.message).toMatch(/unknown field\(s\) credentials/);
    const unknown = await failureOf(await startRefresh(env, { userId: uniqueName('nobody'), memberGuid: 'MBR-none' }));
    expect(unknown.type).toBe('RefreshMemberNotFound');
    expect(unknown.message).toMatch(/no user with id/);
  });
});

/** Storage whose first commit of a member's state (state.json) fails for good, after everything else was written. */
function crashOnCommit(storage: Storage): Storage {
  return {
    ...storage,
    put: async (key, source, options) => {
      if (key.endsWith('/state.json'))
        throw ApplicationFailure.create({ type: 'InjectedCrash', nonRetryable: true, message: 'injected crash before the commit' });
      return storage.put(key, source, options);
    },
  };
}

async function workerWith(taskQueue: string, storage: Storage): Promise<{ shutdown(): Promise<void> }> {
  const mx = createMxClient({ baseUrl: env.sandboxUrl, clientId: SANDBOX_CLIENT_ID, apiKey: SANDBOX_API_KEY, timeoutMs: 5_000 });
  const worker: Worker = await createWorker({
    connection: env.temporal.nativeConnection,
    namespace: 'default',
    taskQueue,
    activities: createActivities({ mx, storage, clock: systemClock }),
    workflowBundle: { codePath: workflowBundlePath() },
    shutdownGraceTime: 1_000,
  });
  const running = worker.run();
  return {
    async shutdown() {
      worker.shutdown();
      await running;
    },
  };
}
