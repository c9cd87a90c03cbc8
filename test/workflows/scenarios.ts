// The scenarios every guide must pass, declared once and run for each guide (one test file per guide,
// so the two run in parallel).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { CHALLENGE_PASSWORDS } from '../../src/sandbox/mx-bank';
import { answerMfaUpdate, mfaAnswersSignal, type WorkflowTypeName } from '../../workflows/messages';
import { awaitingMfa, failureOf, progressOf, recordHistory, resultOf, startGuideEnv, waitForProgress, type GuideEnv } from './guide-env';

export function guideScenarios(
  type: WorkflowTypeName,
  checkFiles: (env: GuideEnv, manifest: Awaited<ReturnType<typeof resultOf>>) => Promise<void>,
): void {
  let env: GuideEnv;
  beforeAll(async () => {
    env = await startGuideEnv();
  });
  afterAll(async () => {
    await env?.close();
  });

  it('connects at once and stores what MX holds, with a manifest', async () => {
    const handle = await env.start(type, { password: 'password' });
    const manifest = await resultOf(handle);
    expect(manifest.guide).toBe(type);
    expect(manifest.member.connectionStatus).toBe('CONNECTED');
    expect(manifest.attempts.mfaRounds).toBe(0);
    await checkFiles(env, manifest);
    await recordHistory(handle, `${type}-connected`);
    const progress = await progressOf(handle);
    expect(progress.step).toBe('COMPLETED');
    const { typedSearchAttributes } = await handle.describe();
    expect(typedSearchAttributes.getAll().map((p) => [p.key.name, p.value])).toEqual(
      expect.arrayContaining([
        ['MxStep', 'COMPLETED'],
        ['MxAwaitingMfa', false],
        ['MxConnectionStatus', 'CONNECTED'],
      ]),
    );
  });

  it.each(Object.entries(CHALLENGE_PASSWORDS))(
    'password %s: publishes a %s challenge and connects once answered through the update',
    async (password, challengeType) => {
      const handle = await env.start(type, { password });
      const waiting = await waitForProgress(handle, awaitingMfa);
      expect(waiting.step).toBe('AWAITING_MFA');
      const [challenge] = waiting.mfa.challenges;
      expect(challenge?.type).toBe(challengeType);
      if (challengeType === 'IMAGE_DATA') expect(challenge?.imageData).toMatch(/^data:image\/png;base64,/);
      if (challengeType === 'OPTIONS') expect(challenge?.options?.map((o) => o.value)).toContain('correct');
      if (challengeType === 'IMAGE_OPTIONS') expect(challenge?.imageOptions?.[0]?.dataUri).toMatch(/^data:image/);
      const result = await handle.executeUpdate(answerMfaUpdate, { args: [{ answers: [{ guid: challenge!.guid, value: 'correct' }] }] });
      expect(result).toMatchObject({ round: 1, outcome: 'CONNECTED' });
      const manifest = await resultOf(handle);
      expect(manifest.attempts.mfaRounds).toBe(1);
      expect(JSON.stringify(await progressOf(handle))).not.toContain('"correct"');
    },
  );

  it('lists the run under MxAwaitingMfa=true while it waits, and takes answers by signal', async () => {
    const handle = await env.start(type, { password: 'challenge' });
    const waiting = await waitForProgress(handle, awaitingMfa);
    await expect.poll(() => listedAwaiting(env, handle.workflowId), { timeout: 10_000, interval: 200 }).toBe(true);
    await handle.signal(mfaAnswersSignal, { answers: [{ guid: waiting.mfa.challenges[0]!.guid, value: 'correct' }] });
    await resultOf(handle);
    await expect.poll(() => listedAwaiting(env, handle.workflowId), { timeout: 10_000, interval: 200 }).toBe(false);
  });

  it('answers a follow-up challenge in a second round', async () => {
    const handle = await env.start(type, { password: 'challenge' });
    const first = await waitForProgress(handle, awaitingMfa);
    const guid = first.mfa.challenges[0]!.guid;
    const followUp = await handle.executeUpdate(answerMfaUpdate, { args: [{ answers: [{ guid, value: 'challenge' }] }] });
    expect(followUp.outcome).toBe('CHALLENGED');
    expect(followUp.challenges?.[0]?.guid).toBeDefined();
    expect(followUp.challenges?.[0]?.guid).not.toBe(guid);
    const second = await waitForProgress(handle, (p) => p.mfa.awaiting && p.mfa.round === 2);
    await handle.executeUpdate(answerMfaUpdate, { args: [{ answers: [{ guid: second.mfa.challenges[0]!.guid, value: 'correct' }] }] });
    expect((await resultOf(handle)).attempts.mfaRounds).toBe(2);
    await recordHistory(handle, `${type}-mfa-follow-up`);
  });

  it('after REJECTED starts a fresh job, asks again, and connects with the right answer', async () => {
    const handle = await env.start(type, { password: 'challenge' });
    const first = await waitForProgress(handle, awaitingMfa);
    const rejected = await handle.executeUpdate(answerMfaUpdate, {
      args: [{ answers: [{ guid: first.mfa.challenges[0]!.guid, value: 'wrong' }] }],
    });
    expect(rejected).toMatchObject({ round: 1, outcome: 'REJECTED' });
    const second = await waitForProgress(handle, (p) => p.mfa.awaiting && p.mfa.round === 2);
    await handle.executeUpdate(answerMfaUpdate, { args: [{ answers: [{ guid: second.mfa.challenges[0]!.guid, value: 'correct' }] }] });
    const manifest = await resultOf(handle);
    expect(manifest.attempts.mfaRounds).toBe(2);
    expect(manifest.member.connectionStatus).toBe('CONNECTED');
  });

  it('ignores answers for a stale round and rejects them in the update validator', async () => {
    const handle = await env.start(type, { password: 'challenge' });
    const first = await waitForProgress(handle, awaitingMfa);
    const staleGuid = first.mfa.challenges[0]!.guid;
    await handle.executeUpdate(answerMfaUpdate, { args: [{ answers: [{ guid: staleGuid, value: 'challenge' }] }] });
    const second = await waitForProgress(handle, (p) => p.mfa.awaiting && p.mfa.round === 2);
    // A late signal for round 1 is counted and dropped; round 2 stays pending.
    await handle.signal(mfaAnswersSignal, { answers: [{ guid: staleGuid, value: 'correct' }] });
    const after = await waitForProgress(handle, (p) => (p.mfa.ignoredAnswers ?? 0) === 1);
    expect(after.mfa).toMatchObject({ awaiting: true, round: 2 });
    const stale = handle.executeUpdate(answerMfaUpdate, { args: [{ answers: [{ guid: staleGuid, value: 'correct' }] }] });
    await expect(stale).rejects.toThrow(WorkflowUpdateFailedError);
    await expect(stale.catch((e: WorkflowUpdateFailedError) => e.cause?.message)).resolves.toMatch(/not part of the current MFA round 2/);
    const none = handle.executeUpdate(answerMfaUpdate, { args: [{ answers: [] }] });
    await expect(none.catch((e: WorkflowUpdateFailedError) => e.cause?.message)).resolves.toMatch(/at least one answer/);
    await handle.executeUpdate(answerMfaUpdate, { args: [{ answers: [{ guid: second.mfa.challenges[0]!.guid, value: 'correct' }] }] });
    await resultOf(handle);
  });

  it('rejects an answer at once when no challenge is pending', async () => {
    const handle = await env.start(type, { password: 'password' });
    const update = handle.executeUpdate(answerMfaUpdate, { args: [{ answers: [{ guid: 'CRD-x', value: 'correct' }] }] });
    await expect(update.catch((e: WorkflowUpdateFailedError) => e.cause?.message)).resolves.toMatch(/No MFA challenge is pending/);
    await resultOf(handle);
  });

  it('fails with MFA_TIMEOUT when nobody answers in time', async () => {
    const handle = await env.start(type, { password: 'challenge', mfa: { timeout: '1s' } });
    const failure = await failureOf(handle);
    expect(failure.type).toBe('MFA_TIMEOUT');
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toMatch(/start the guide again/);
    await recordHistory(handle, `${type}-mfa-timeout`);
  });

  it.each([
    ['INVALID', 'DENIED', 'NEEDS_NEW_CREDENTIALS', 0],
    ['LOCKED', 'LOCKED', 'ACTION_REQUIRED_AT_INSTITUTION', 0],
    ['FAILED', 'FAILED', 'INSTITUTION_UNAVAILABLE', 1],
  ])('password %s: the member ends %s, the run fails as %s after %i fresh job(s)', async (password, status, outcome, retries) => {
    const handle = await env.start(type, { password });
    const failure = await failureOf(handle);
    expect(failure.type).toBe(outcome);
    expect(failure.message).toContain(`The member is ${status}`);
    expect(failure.message).not.toContain(password === 'INVALID' ? 'INVALID' : '\u0000');
    const progress = await progressOf(handle);
    expect(progress.step).toBe('FAILED');
    expect(progress.attempts.jobRetries).toBe(retries);
    await recordHistory(handle, `${type}-${status.toLowerCase()}`);
  });

  it('reuses the member when the user already has it (MX 409 duplicate)', async () => {
    const userId = `dup-${Date.now()}`;
    const first = await resultOf(await env.start(type, { userId }));
    const second = await resultOf(await env.start(type, { userId }));
    expect(second.member).toMatchObject({ guid: first.member.guid, reused: true });
    expect(second.user.guid).toBe(first.user.guid);
  });

  it('fails at once with INVALID_INPUT listing every problem, without echoing credentials', async () => {
    const handle = await env.client.workflow.start(type, {
      taskQueue: env.taskQueue,
      workflowId: `invalid-${type}-${Date.now()}`,
      args: [{ userId: 'bad id!', credentials: { password: 's3cret-value' }, polling: { initialInterval: 'soon' }, colour: 'red' }],
    });
    const failure = await failureOf(handle);
    expect(failure.type).toBe('INVALID_INPUT');
    expect(failure.nonRetryable).toBe(true);
    for (const field of ['userId', 'institutionCode', 'polling.initialInterval', 'colour']) expect(failure.message).toContain(field);
    expect(failure.message).not.toContain('s3cret-value');
  });
}

async function listedAwaiting(env: GuideEnv, workflowId: string): Promise<boolean> {
  for await (const run of env.client.workflow.list({ query: `MxAwaitingMfa=true AND WorkflowId="${workflowId}"` })) {
    if (run.workflowId === workflowId) return true;
  }
  return false;
}
