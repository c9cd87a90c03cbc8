// A person at a terminal: the real `temporal` CLI starts a guide with JSON input, finds the run waiting
// for MFA with a search-attribute query, reads the challenge, answers by update and by signal, and
// reads the result. The worker, the sandbox and the activities are the real ones.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTemporalCli } from '../../scripts/temporal-cli.mjs';
import { FAST, startGuideEnv, type GuideEnv } from '../workflows/guide-env';

const run = promisify(execFile);

describe('the guides from the Temporal CLI', () => {
  let env: GuideEnv;
  const temporal = async (...args: string[]) =>
    await run(requireTemporalCli(), [...args, '--address', env.temporal.address], { timeout: 30_000 });
  const json = async (...args: string[]) => JSON.parse((await temporal(...args, '--output', 'json')).stdout);

  beforeAll(async () => {
    env = await startGuideEnv();
  });
  afterAll(async () => {
    await env?.close();
  });

  it('start, list the runs awaiting MFA, answer by update then signal, read the result', async () => {
    const userId = `cli-${Date.now()}`;
    const workflowId = `fetch-account-data-${userId}-mxbank`;
    const input = { userId, institutionCode: 'mxbank', credentials: { username: 'mxuser', password: 'challenge' }, ...FAST };
    const start = ['workflow', 'start', '--task-queue', env.taskQueue, '--type', 'fetchAccountData', '--workflow-id', workflowId];
    const started = await temporal(...start, '--id-conflict-policy', 'Fail', '--input', JSON.stringify(input));
    const runId = /RunId\s+(\S+)/.exec(started.stdout)?.[1];
    expect(runId).toBeDefined();

    // Starting the same user and institution again while it runs starts no second run on the member.
    const again = await temporal(...start, '--id-conflict-policy', 'Fail', '--input', JSON.stringify(input));
    expect(/RunId\s+(\S+)/.exec(again.stdout)?.[1]).toBe(runId);

    await expect.poll(async () => (await listAwaitingMfa()).includes(workflowId), { timeout: 20_000, interval: 300 }).toBe(true);

    const first = await progress(workflowId);
    expect(first.mfa.round).toBe(1);
    const answer = (value: string, guid: string) => JSON.stringify({ answers: [{ guid, value }] });
    const updated = await temporal(
      'workflow',
      'update',
      'execute',
      '--workflow-id',
      workflowId,
      '--name',
      'answerMfa',
      '--input',
      answer('challenge', first.mfa.challenges[0]!.guid),
    );
    expect(updated.stdout).toContain('CHALLENGED');

    await expect.poll(async () => (await progress(workflowId)).mfa.round, { timeout: 20_000, interval: 300 }).toBe(2);
    const second = await progress(workflowId);
    await temporal(
      'workflow',
      'signal',
      '--workflow-id',
      workflowId,
      '--name',
      'mfaAnswers',
      '--input',
      answer('correct', second.mfa.challenges[0]!.guid),
    );

    const result = await temporal('workflow', 'result', '--workflow-id', workflowId, '--output', 'json');
    const manifest = findManifest(JSON.parse(result.stdout));
    expect(manifest).toMatchObject({ guide: 'fetchAccountData', workflowId, attempts: { mfaRounds: 2 } });
    await expect.poll(async () => (await listAwaitingMfa()).includes(workflowId), { timeout: 10_000, interval: 300 }).toBe(false);
  });

  it('an invalid input fails the run at once with INVALID_INPUT, visible from the CLI', async () => {
    const workflowId = `fetch-statements-bad-${Date.now()}-mxbank`;
    await temporal(
      'workflow',
      'start',
      '--task-queue',
      env.taskQueue,
      '--type',
      'fetchStatements',
      '--workflow-id',
      workflowId,
      '--input',
      '{"userId":"alice"}',
    );
    const outcome = await temporal('workflow', 'result', '--workflow-id', workflowId).catch(
      (err: { stdout: string; stderr: string }) => err,
    );
    expect(`${outcome.stdout}${outcome.stderr}`).toMatch(/INVALID_INPUT|institutionCode or institutionName is required/);
  });

  /** The manifest wherever the CLI's JSON puts the result value. */
  function findManifest(value: unknown): Record<string, unknown> | undefined {
    if (!value || typeof value !== 'object') return undefined;
    if ('guide' in value && 'manifestKey' in value) return value as Record<string, unknown>;
    for (const inner of Object.values(value)) {
      const found = findManifest(inner);
      if (found) return found;
    }
    return undefined;
  }

  async function listAwaitingMfa(): Promise<string[]> {
    const { stdout } = await temporal('workflow', 'list', '--query', 'MxAwaitingMfa=true', '--output', 'json');
    return stdout.trim() ? (JSON.parse(stdout) as { execution: { workflowId: string } }[]).map((r) => r.execution.workflowId) : [];
  }

  async function progress(workflowId: string) {
    const out = await json('workflow', 'query', '--workflow-id', workflowId, '--name', 'progress');
    return (out.queryResult?.[0] ?? out) as { mfa: { round: number; challenges: { guid: string }[] } };
  }
});
