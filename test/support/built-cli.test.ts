// The built commands, run as `npm run` runs them (`node scripts/run.mjs <command>`, which builds dist/ when
// it is missing or stale): the support CLI's --help, and a guide started with `support start` that the
// built worker (`node dist/worker.js`, a real process) runs against the real sandbox on the shared dev
// server, answered with `support answer`. Nothing here goes through tsx.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { type Sandbox, startSandbox } from '../../src/sandbox/server';
import { loadDataConverter } from '../../src/temporal/data-converter';
import { type Progress, progressQuery } from '../../workflows/messages';
import { uniqueName, workflowBundlePath } from '../helpers/temporal';

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

function built(env: NodeJS.ProcessEnv, args: string[], stdin = ''): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['scripts/run.mjs', ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 40_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
    child.stdin.end(stdin);
  });
}

describe('the built support CLI and worker', () => {
  const workDir = mkdtempSync(join(tmpdir(), 'built-cli-'));
  const taskQueue = uniqueName('built');
  let sandbox: Sandbox;
  let worker: ChildProcess;
  let workerOutput = '';
  let env: NodeJS.ProcessEnv;
  let client: Client;
  const started: string[] = [];

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, jobDurationMs: 300, challengeExpiryMs: 180_000 });
    env = {
      ...process.env,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TASK_QUEUE: taskQueue,
      PAYLOAD_CODEC_KEY: randomBytes(32).toString('base64'),
      DATA_DIR: workDir,
      STORAGE_DIR: join(workDir, 'storage'),
      SANDBOX_PORT: new URL(sandbox.url).port,
      WORKFLOW_BUNDLE_PATH: workflowBundlePath(),
      WORKER_SHUTDOWN_GRACE_MS: '1000',
    };
    delete env.MX_BASE_URL;
    // The first command builds dist/ if it is missing or stale; the worker then runs that build.
    const help = await built(env, ['support', '--help']);
    expect(help.code, help.stderr).toBe(0);
    worker = spawn(process.execPath, ['--enable-source-maps', 'dist/worker.js'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        workerOutput += chunk.toString();
        if (workerOutput.includes('Worker polling task queue')) resolve();
      };
      worker.stdout!.on('data', onData);
      worker.stderr!.on('data', onData);
      worker.once('exit', (code) => reject(new Error(`the built worker exited (${code}):\n${workerOutput}`)));
    });
    const connection = await Connection.connect({ address: inject('temporalAddress') });
    client = new Client({ connection, dataConverter: await loadDataConverter(loadConfig(env)) });
  });

  afterAll(async () => {
    await Promise.all(
      started.map((id) =>
        client?.workflow
          .getHandle(id)
          .terminate('test done')
          .catch(() => undefined),
      ),
    );
    if (worker && worker.exitCode === null) {
      const exited = new Promise((resolve) => worker.once('exit', resolve));
      worker.kill('SIGTERM');
      await exited;
    }
    await client?.connection.close();
    await sandbox?.close();
    rmSync(workDir, { recursive: true, force: true });
  });

  const inputFile = (name: string, input: unknown) => {
    const path = join(workDir, name);
    writeFileSync(path, JSON.stringify(input), { mode: 0o600 });
    return path;
  };

  it('--help answers from JavaScript built no earlier than the sources', async () => {
    const help = await built(env, ['support', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('npm run support -- start <fetchAccountData|fetchStatements> --input-file <file>');
    expect(existsSync('dist/support.js')).toBe(true);
    const { staleReason } = (await import('../../scripts/build.mjs')) as { staleReason(): string | undefined };
    expect(staleReason()).toBeUndefined();
  });

  it(
    'start runs a guide on the built worker, refuses a second start of the open id, and the answer completes it',
    { timeout: 120_000 },
    async () => {
      const userId = uniqueName('built');
      const workflowId = `fetch-account-data-${userId}-mxbank`;
      started.push(workflowId);
      const file = inputFile('challenge.json', {
        userId,
        institutionCode: 'mxbank',
        credentials: { username: 'mxuser', password: 'challenge' },
        polling: { initialInterval: '100ms', maxInterval: '400ms' },
      });
      const first = await built(env, ['support', 'start', 'fetchAccountData', '--input-file', file, '--json']);
      expect(first.stderr).toBe('');
      expect(first.code).toBe(0);
      const startedRun = JSON.parse(first.stdout) as { workflowId: string; runId: string; taskQueue: string };
      expect(startedRun).toMatchObject({ workflowId, taskQueue });

      const again = await built(env, ['support', 'start', 'fetchAccountData', '--input-file', file]);
      expect(again.code).toBe(1);
      expect(again.stdout).toBe('');
      expect(again.stderr).toContain(`Workflow execution is already running. WorkflowId: ${workflowId}, RunId: ${startedRun.runId}`);

      const handle = client.workflow.getHandle(workflowId);
      let progress: Progress | undefined;
      for (const deadline = Date.now() + 60_000; !progress?.mfa.awaiting && Date.now() < deadline;) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        progress = await handle.query(progressQuery).catch(() => undefined);
      }
      expect(progress?.mfa.awaiting, workerOutput).toBe(true);
      const guid = progress!.mfa.challenges[0]!.guid;
      const answered = await built(env, ['support', 'answer', workflowId, '--answers-file', '-'], `${guid}=correct\n`);
      expect(answered.code, answered.stderr).toBe(0);
      const result = (await handle.result()) as { accounts?: unknown[] };
      expect(result).toBeTruthy();
      const description = await handle.describe();
      expect(description.status.name).toBe('COMPLETED');
      expect(description.taskQueue).toBe(taskQueue);
    },
  );

  it('start refuses an unknown guide, unreadable or invalid input with exit code 2, before connecting and without echoing it', async () => {
    const unknown = await built(env, ['support', 'start', 'fetchEverything', '--input-file', inputFile('x.json', {})]);
    expect(unknown).toMatchObject({ code: 2, stdout: '' });
    expect(unknown.stderr).toContain('Unknown guide "fetchEverything": use fetchAccountData or fetchStatements.');

    const notJson = inputFile('not-json.json', {});
    writeFileSync(notJson, '{"credentials": {"password": "hunter2-never-echoed"');
    const broken = await built(env, ['support', 'start', 'fetchStatements', '--input-file', notJson]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain('is not valid JSON');
    expect(broken.stderr).not.toContain('hunter2');

    const invalid = inputFile('invalid.json', {
      userId: 'has space',
      institutionCode: 'mxbank',
      credentials: { password: 'x'.repeat(2000) },
    });
    const refused = await built({ ...env, TEMPORAL_ADDRESS: '127.0.0.1:1' }, [
      'support',
      'start',
      'fetchStatements',
      '--input-file',
      invalid,
    ]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/Invalid workflow input:.*userId: must be 1-100 characters/);
    expect(refused.stderr).toMatch(/credentials\.password/);
    expect(refused.stderr).not.toContain('xxxxxxxx');

    const missing = await built(env, ['support', 'start', 'fetchStatements']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('start needs --input-file');
  });

  it('warns when the input file is readable by others', async () => {
    const file = inputFile('open.json', { userId: 'x' });
    chmodSync(file, 0o644);
    expect(statSync(file).mode & 0o777).toBe(0o644);
    const run = await built({ ...env, TEMPORAL_ADDRESS: '127.0.0.1:1' }, ['support', 'start', 'fetchStatements', '--input-file', file]);
    expect(run.stderr).toContain(`chmod 600 ${file}`);
    expect(run.code).toBe(2);
  });
});
