// `npm start` as package.json runs it: `node scripts/run.mjs start`, the built JavaScript, whose children
// (sandbox, worker, support page) run from dist/ too, with no tsx anywhere. The printed support CLI command
// starts the sample run, the built worker completes it, and Ctrl-C leaves nothing behind.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { loadConfig } from '../../src/config';
import { loadDataConverter } from '../../src/temporal/data-converter';
import { descendants, FROM_BUILD, freePorts, runStart, type StartRun, survivors } from './run-start';

const run = promisify(execFile);
const READY = '[start] Ready.';

describe('npm start from the build', () => {
  let start: StartRun;
  let pids: number[] = [];
  beforeAll(async () => {
    start = runStart(await freePorts(), {}, undefined, FROM_BUILD);
    await start.waitFor(READY, 240_000);
    pids = [start.process.pid!, ...descendants(start.process.pid!)];
  }, 300_000);
  afterAll(() => start?.killAll());

  it('runs every part from dist/, none through tsx', () => {
    const commands = pids.map((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      } catch {
        return '';
      }
    });
    for (const part of ['sandbox', 'worker', 'support-web'])
      expect(
        commands.some((c) => c.includes(`dist/${part}.js`)),
        part,
      ).toBe(true);
    expect(commands.filter((c) => c.includes('tsx'))).toEqual([]);
  });

  it('the printed support CLI command starts the sample run, which the built worker completes', async () => {
    const line = start
      .output()
      .split('\n')
      .find((l) => l.includes('npm run -s support -- start fetchAccountData'));
    expect(line).toBeDefined();
    const env = { ...process.env, DATA_DIR: start.dataDir, STORAGE_DIR: join(start.dataDir, 'storage') };
    const { stdout } = await run(
      'sh',
      ['-c', line!.trim().replace('npm run -s support --', `'${process.execPath}' scripts/run.mjs support`)],
      { env, timeout: 30_000 },
    );
    expect(stdout).toMatch(/^Started Fetch Account and Transaction Data \(fetchAccountData\): workflow fetch-account-data-alice-mxbank/);

    const address = `127.0.0.1:${start.ports.TEMPORAL_PORT}`;
    const connection = await Connection.connect({ address });
    try {
      const client = new Client({ connection, dataConverter: await loadDataConverter(loadConfig(env)) });
      const result = await client.workflow.getHandle('fetch-account-data-alice-mxbank').result();
      expect(result).toMatchObject({ workflowId: 'fetch-account-data-alice-mxbank', user: { id: 'alice' } });
    } finally {
      await connection.close();
    }
  }, 120_000);

  it('stops everything on Ctrl-C', async () => {
    start.interrupt();
    const { code } = await start.exited;
    expect(code).toBe(0);
    expect(await survivors(pids, 5_000)).toEqual([]);
  }, 60_000);
});
