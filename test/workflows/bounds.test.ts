// The bounds that end a run which would otherwise wait forever, reached on the real dev server against
// the sandbox: the polling deadline (DEADLINE_EXCEEDED), wrong MFA answers past mfa.maxRejections
// (MFA_REJECTED) and a job that keeps vanishing (JOB_NOT_RUNNING). Jobs take 3 s here, so each run is
// still mid-job when the test acts. The same decisions, for every status, are in next-move.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAILURE_TYPES as F } from '../../src/failures/catalogue';
import { answerMfaUpdate } from '../../workflows/messages';
import { awaitingMfa, failureOf, startGuideEnv, waitForProgress, type GuideEnv } from './guide-env';

let env: GuideEnv;
beforeAll(async () => {
  env = await startGuideEnv({ jobDurationMs: 3_000 });
});
afterAll(async () => {
  await env?.close();
});

describe('the bounds of a run', () => {
  it('fails with DEADLINE_EXCEEDED when the member reaches no end state within polling.deadline', async () => {
    const handle = await env.start('fetchAccountData', {
      password: 'password',
      polling: { initialInterval: '100ms', maxInterval: '200ms', deadline: '1s' },
    });
    const failure = await failureOf(handle);
    expect(failure.type).toBe(F.deadlineExceeded);
    expect(failure.message).toMatch(/within the deadline \(1 s\); last status \w+\. Next: .*polling\.deadline/);
  });

  it('fails with MFA_REJECTED when MX rejects the answers after mfa.maxRejections fresh jobs', async () => {
    const handle = await env.start('fetchAccountData', { password: 'challenge', mfa: { timeout: '30s', maxRejections: 0 } });
    const waiting = await waitForProgress(handle, awaitingMfa);
    const result = await handle.executeUpdate(answerMfaUpdate, {
      args: [{ answers: [{ guid: waiting.mfa.challenges[0]!.guid, value: 'wrong' }] }],
    });
    expect(result).toMatchObject({ round: 1, outcome: 'REJECTED', message: expect.stringContaining('MFA_REJECTED') });
    const failure = await failureOf(handle);
    expect(failure.type).toBe(F.mfaRejected);
    expect(failure.message).toMatch(/rejected the MFA answers 1 time\(s\)\. Next: /);
  });

  it('fails with JOB_NOT_RUNNING when the job vanishes again after the run started it anew', async () => {
    const handle = await env.start('fetchAccountData', { password: 'password', retries: { endStates: 0, conflictInterval: '200ms' } });
    const credentials = await credentialGuids();
    // New credentials without an aggregation replace the running job: MX shows the member UPDATED, idle.
    const dropJob = async (memberPath: string) =>
      await env.sandboxPut(memberPath, {
        member: {
          credentials: [
            { guid: credentials.LOGIN, value: 'mxuser' },
            { guid: credentials.PASSWORD, value: 'password' },
          ],
          skip_aggregation: true,
        },
      });
    const running = await waitForProgress(handle, (p) => p.step === 'WAITING_FOR_JOB' && p.isBeingAggregated === true);
    const memberPath = `/users/${running.userGuid}/members/${running.memberGuid}`;
    await dropJob(memberPath);
    // The run starts its job again (counted as a fresh job), and it vanishes once more.
    await waitForProgress(handle, (p) => p.attempts.jobRetries === 1 && p.attempts.jobStarts === 1 && p.isBeingAggregated === true);
    await dropJob(memberPath);
    const failure = await failureOf(handle);
    expect(failure.type).toBe(F.jobNotRunning);
    expect(failure.message).toMatch(/UPDATED with no job running, even after starting one\. Next: /);
  });
});

async function credentialGuids(): Promise<Record<string, string>> {
  const { credentials } = await env.sandboxGet<{ credentials: { guid: string; field_name: string }[] }>('/institutions/mxbank/credentials');
  return Object.fromEntries(credentials.map((c) => [c.field_name, c.guid]));
}
