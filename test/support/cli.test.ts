// The support CLI as an agent runs it: a real process (`npx tsx src/cmd/support.ts`) against the real
// dev server, with runs of the real workflows waiting for MX Bank's MFA in the sandbox.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/temporal/ports';
import type { Progress } from '../../workflows/messages';
import { startSupportEnv, type SupportEnv, waitUntilQueued } from './helpers/support-env';

const CLI_TIMEOUT_MS = 40_000;

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI as a real process; on a hang it kills the whole process group (npx, tsx, node) and says so. */
function support(env: NodeJS.ProcessEnv, args: string[], stdin?: string): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn('npx', ['tsx', 'src/cmd/support.ts', ...args], { env, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      stderr += `\n[test] support ${args.join(' ')} hung for ${CLI_TIMEOUT_MS} ms and was killed\n`;
      process.kill(-child.pid!, 'SIGKILL');
    }, CLI_TIMEOUT_MS);
    child.on('close', (code) => {
      clearTimeout(timer);
      // npm prints its own config warnings on stderr; they are not the CLI's output.
      resolve({ code: code ?? -1, stdout, stderr: stderr.replace(/^npm warn .*\n/gm, '') });
    });
    child.stdin.end(stdin ?? '');
  });
}

function expectOneLineError(run: CliRun, code: number, pattern: RegExp): void {
  expect(run.code).toBe(code);
  expect(run.stdout).toBe('');
  expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(run.stderr).toMatch(pattern);
  expect(run.stderr).not.toMatch(/\bat .*\(.*:\d+:\d+\)/);
}

describe('support CLI on real runs waiting for MFA', () => {
  let env: SupportEnv;
  let text: WorkflowHandle;
  let options: WorkflowHandle;
  let image: WorkflowHandle;
  let textRound1: Progress;
  let optionsRound1: Progress;

  beforeAll(async () => {
    env = await startSupportEnv();
    [text, options, image] = await Promise.all([
      env.startRun('challenge', 'alice'),
      env.startRun('options', 'bob'),
      env.startRun('image', 'carol'),
    ]);
    [textRound1, optionsRound1] = await Promise.all([
      waitUntilQueued(env.client, text),
      waitUntilQueued(env.client, options),
      waitUntilQueued(env.client, image),
    ]);
  });
  afterAll(async () => env?.close());

  it('pending lists each waiting run with its user, institution, challenge types and time left', async () => {
    const run = await support(env.cliEnv, ['pending']);
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toMatch(/^WORKFLOW ID\s+USER\s+INSTITUTION\s+CHALLENGES\s+TIME LEFT$/);
    const textLine = lines.find((line) => line.startsWith(text.workflowId));
    expect(textLine).toMatch(new RegExp(`^${text.workflowId}\\s+${textRound1.userId}\\s+mxbank\\s+TEXT\\s+(\\dm \\d\\ds|\\d+s)$`));
    expect(lines.find((line) => line.startsWith(options.workflowId))).toMatch(/\s+mxbank\s+OPTIONS\s+(\dm \d\ds|\d+s)$/);

    const matched = await support(env.cliEnv, ['pending', '--match', textRound1.userId!.toUpperCase()]);
    expect(
      matched.stdout
        .trimEnd()
        .split('\n')
        .slice(1)
        .map((line) => line.split(' ')[0]),
    ).toEqual([text.workflowId]);

    const json = await support(env.cliEnv, ['pending', '--json']);
    const entries = JSON.parse(json.stdout) as { workflowId: string; challengeTypes: string[]; secondsLeft: number; userId: string }[];
    const entry = entries.find((e) => e.workflowId === options.workflowId);
    expect(entry).toMatchObject({ challengeTypes: ['OPTIONS'], userId: optionsRound1.userId, institutionCode: 'mxbank', round: 1 });
    expect(entry!.secondsLeft).toBeGreaterThan(30);
  });

  it('show prints each challenge with its guid, type, question and options', async () => {
    const [challenge] = textRound1.mfa.challenges;
    const shownText = await support(env.cliEnv, ['show', text.workflowId]);
    expect(shownText.code).toBe(0);
    expect(shownText.stdout).toContain(`1. ${challenge!.guid}  TEXT\n   What city were you born in?`);
    expect(shownText.stdout).toContain(`--answer ${challenge!.guid}=<value>`);

    const shownOptions = await support(env.cliEnv, ['show', options.workflowId]);
    expect(shownOptions.stdout).toContain('OPTIONS\n   Pick one of the following');
    expect(shownOptions.stdout).toMatch(
      /1\) correct {2}\[value: correct\]\n {3}2\) challenge {2}\[value: challenge\]\n {3}3\) wrong answer {2}\[value: wrong\]/,
    );
  });

  it('show saves an IMAGE_DATA challenge image to a file and prints its path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'support-images-'));
    const shown = await support(env.cliEnv, ['show', image.workflowId, '--images-dir', dir]);
    expect(shown.code).toBe(0);
    const path = /image: (\S+\.png)/.exec(shown.stdout)?.[1];
    expect(path?.startsWith(dir)).toBe(true);
    expect(existsSync(path!)).toBe(true);
    expect(readFileSync(path!).subarray(1, 4).toString('latin1')).toBe('PNG');
  });

  it('answer sends a TEXT answer, shows the follow-up question, rejects a stale guid with the reason, and then connects', async () => {
    const round1Guid = textRound1.mfa.challenges[0]!.guid;
    const followUp = await support(env.cliEnv, ['answer', text.workflowId, '--answer', `${round1Guid}=challenge`]);
    expect(followUp.stderr).toBe('');
    expect(followUp.code).toBe(0);
    expect(followUp.stdout).toMatch(/^Accepted \(round 1\), and MX asks a follow-up question/);
    expect(followUp.stdout).toContain('What was the name of your first pet?');

    const stale = await support(env.cliEnv, ['answer', text.workflowId, '--answer', `${round1Guid}=never-echoed-7c1`]);
    expect(stale.code).toBe(3);
    expect(stale.stdout).toMatch(
      new RegExp(`^Rejected, nothing was sent to MX: Challenge ${round1Guid} is not part of the current MFA round 2`),
    );
    expect(stale.stdout + stale.stderr).not.toContain('never-echoed-7c1');

    // Interactive: the answer arrives on stdin (hidden on a terminal).
    const done = await support(env.cliEnv, ['answer', text.workflowId], 'correct\n');
    expect(done.code).toBe(0);
    expect(done.stderr).toContain('What was the name of your first pet? [TEXT]');
    expect(done.stdout).toMatch(/^Accepted \(round 2\): MX connected the member/);
    await expect(text.result()).resolves.toBeDefined();
  });

  it('answer picks an OPTIONS choice by number and the run completes', async () => {
    const done = await support(env.cliEnv, ['answer', options.workflowId], '1\n');
    expect(done.stderr).toContain('  1) correct');
    expect(done.code).toBe(0);
    expect(done.stdout).toMatch(/^Accepted \(round 1\): MX connected the member/);
    await expect(options.result()).resolves.toBeDefined();
  });

  it('answer reads <guid>=<value> lines from --answers-file - (stdin), keeping the answer off the command line', async () => {
    const waiting = await waitUntilQueued(env.client, image);
    const done = await support(
      env.cliEnv,
      ['answer', image.workflowId, '--answers-file', '-'],
      `\n${waiting.mfa.challenges[0]!.guid}=correct\n`,
    );
    expect(done.stderr).toBe('');
    expect(done.code).toBe(0);
    expect(done.stdout).toMatch(/^Accepted \(round 1\): MX connected the member/);
    await expect(image.result()).resolves.toBeDefined();
  });

  it('gives one line and a non-zero exit for an unknown run, a run not waiting, and a server that is down', async () => {
    expectOneLineError(
      await support(env.cliEnv, ['show', 'no-such-run-42']),
      1,
      /^support: No workflow with id "no-such-run-42" exists in this namespace\.$/m,
    );
    await options.result();
    expectOneLineError(
      await support(env.cliEnv, ['answer', options.workflowId, '--answer', 'CRD-1=x']),
      1,
      new RegExp(`^support: Run "${options.workflowId}" is not waiting for MFA: it is completed\\.$`, 'm'),
    );
    const down = { ...env.cliEnv, TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}` };
    expectOneLineError(
      await support(down, ['pending']),
      1,
      /^support: Cannot reach the Temporal server at 127\.0\.0\.1:\d+: is it running\?/m,
    );
    expectOneLineError(await support(env.cliEnv, ['answer']), 2, /^support: answer needs exactly one workflow id\. See --help\.$/m);
  });
});
