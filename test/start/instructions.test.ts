// The start commands `npm start` prints, run as printed (through the project's Temporal CLI, and through the
// built support CLI) against the test server: a second start of the same id while the first run is open says
// so and starts nothing.
import { execFile } from 'node:child_process';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { inject, describe, expect, it } from 'vitest';
import { Connection, WorkflowClient } from '@temporalio/client';
import { requireTemporalCli } from '../../scripts/temporal-cli.mjs';
import {
  instructionLines,
  supportStartCommand,
  workflowStartCommand,
  writeSampleInput,
  type Instructions,
} from '../../src/start/instructions';
import { uniqueName } from '../helpers/temporal';

const run = promisify(execFile);

describe('the start commands npm start prints', () => {
  const options: Instructions = {
    temporalAddress: inject('temporalAddress'),
    webUiUrl: undefined,
    codecUrl: 'http://127.0.0.1:8234',
    codecIsDefault: true,
    addressIsDefault: false,
    mxUrl: 'http://127.0.0.1:8090',
    sandbox: true,
    supportUrl: 'http://127.0.0.1:8088',
    // No worker polls it: the first run stays open.
    taskQueue: uniqueName('nobody'),
    inputFile: join(mkdtempSync(join(tmpdir(), 'instructions-')), 'sample-input.json'),
  };
  /** The printed command, with the CLI binary for `npm run temporal --`, through a shell as pasted. */
  const paste = async (command: string, env: NodeJS.ProcessEnv = process.env) => {
    const line = command
      .replace('npm run -s temporal --', `'${requireTemporalCli()}'`)
      .replace('npm run -s support --', 'node scripts/run.mjs support');
    return await run('sh', ['-c', line], { timeout: 30_000, env }).then(
      ({ stdout, stderr }) => ({ code: 0, output: stdout + stderr }),
      (err: { code: number; stdout: string; stderr: string }) => ({ code: err.code, output: err.stdout + err.stderr }),
    );
  };

  it('say clearly that a workflow id is already running, and start nothing', { timeout: 60_000 }, async () => {
    writeSampleInput(options.inputFile);
    expect(statSync(options.inputFile).mode & 0o777).toBe(0o600);
    const command = workflowStartCommand('fetchAccountData', options);
    expect(command).not.toContain('mxuser');
    const first = await paste(command);
    expect(first).toMatchObject({ code: 0 });
    const runId = /RunId\s+(\S+)/.exec(first.output)?.[1];
    expect(runId).toBeDefined();

    const again = await paste(command);
    expect(again.code).toBe(1);
    expect(again.output).toContain('Workflow execution is already running');
    expect(again.output).toContain(runId);
    expect(instructionLines(options).join('\n')).toContain('"Workflow execution is already running"');

    const connection = await Connection.connect({ address: options.temporalAddress });
    try {
      const handle = new WorkflowClient({ connection }).getHandle('fetch-account-data-alice-mxbank');
      expect((await handle.describe()).runId).toBe(runId);
      await handle.terminate('test done');
    } finally {
      await connection.close();
    }
  });

  it('through the support CLI: the same workflow id, and the same refusal naming the running run', { timeout: 60_000 }, async () => {
    writeSampleInput(options.inputFile);
    const command = supportStartCommand('fetchStatements', options);
    expect(command).toContain(`TEMPORAL_ADDRESS=${options.temporalAddress}`);
    expect(command).toContain(`TEMPORAL_TASK_QUEUE=${options.taskQueue}`);
    expect(instructionLines(options)).toContain(`  ${command}`);
    const env = { ...process.env, DATA_DIR: mkdtempSync(join(tmpdir(), 'instructions-data-')) };
    const first = await paste(command, env);
    expect(first.output).toMatch(
      /^Started Fetch Statements \(fetchStatements\): workflow fetch-statements-alice-mxbank, run (\S+), task queue/,
    );
    expect(first.code).toBe(0);
    const runId = /run ([\w-]+),/.exec(first.output)?.[1];

    const again = await paste(command, env);
    expect(again.code).toBe(1);
    expect(again.output).toContain(`Workflow execution is already running. WorkflowId: fetch-statements-alice-mxbank, RunId: ${runId}`);

    const connection = await Connection.connect({ address: options.temporalAddress });
    try {
      const handle = new WorkflowClient({ connection }).getHandle('fetch-statements-alice-mxbank');
      expect((await handle.describe()).runId).toBe(runId);
      await handle.terminate('test done');
    } finally {
      await connection.close();
    }
  });
});
