// The start command `npm start` prints, run as printed (through the project's Temporal CLI) against the
// test server: a second start of the same id while the first run is open says so and starts nothing.
import { execFile } from 'node:child_process';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { inject, describe, expect, it } from 'vitest';
import { Connection, WorkflowClient } from '@temporalio/client';
import { requireTemporalCli } from '../../scripts/temporal-cli.mjs';
import { instructionLines, workflowStartCommand, writeSampleInput, type Instructions } from '../../src/start/instructions';
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
  const paste = async (command: string) => {
    const line = command.replace('npm run -s temporal --', `'${requireTemporalCli()}'`);
    return await run('sh', ['-c', line], { timeout: 30_000 }).then(
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
});
