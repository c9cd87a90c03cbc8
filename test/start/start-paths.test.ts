// npm start's other paths: interrupted while it starts, refusing to start (a port in use, invalid
// configuration), and against a Temporal server it did not start. The ready stack is in start.test.ts.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { uniqueName } from '../helpers/temporal';
import { descendants, freePorts, runStart, type StartRun, survivors } from './run-start';

const run = promisify(execFile);
const READY = '[start] Ready.';

describe('npm start interrupted while starting', () => {
  it('stops the dev server that was still booting and leaves nothing behind', async () => {
    const start = runStart(await freePorts());
    try {
      await start.waitFor('[start] Starting the Temporal dev server', 60_000);
      await new Promise((r) => setTimeout(r, 300));
      const pids = [start.process.pid!, ...descendants(start.process.pid!)];
      start.interrupt();
      await start.exited;
      expect(start.output()).toContain('[start] SIGINT: stopping');
      expect(start.output()).not.toContain(READY);
      expect(await survivors(pids, 5_000)).toEqual([]);
      const { stdout } = await run('pgrep', ['-f', start.dataDir]).catch((err: { stdout: string }) => err);
      expect(stdout.trim()).toBe('');
    } finally {
      start.killAll();
    }
  }, 120_000);
});

describe('npm start refuses to start', () => {
  let blocker: Server;
  afterAll(() => blocker?.close());

  it('on a port already in use, naming the port and the variable, before anything starts', async () => {
    const ports = await freePorts();
    blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(ports.SANDBOX_PORT, '127.0.0.1', resolve));
    const start = runStart(ports);
    const { code } = await start.exited;
    expect(code).not.toBe(0);
    expect(start.output()).toContain(`Port ${ports.SANDBOX_PORT} on 127.0.0.1 is already in use, so the MX sandbox cannot start.`);
    expect(start.output()).toContain('set SANDBOX_PORT to another port');
    expect(start.output()).not.toContain('Starting the Temporal dev server');
    expect(existsSync(join(start.dataDir, 'temporal.db'))).toBe(false);
  }, 60_000);

  it('on invalid configuration, with one message naming each variable', async () => {
    const start = runStart(await freePorts(), { CODEC_PORT: 'eighty', LOG_LEVEL: 'LOUD' });
    const { code } = await start.exited;
    expect(code).toBe(2);
    expect(start.output()).toMatch(/Invalid configuration:\n\s+CODEC_PORT: .*\n\s+LOG_LEVEL: /);
  }, 60_000);
});

describe('npm start against a Temporal server it did not start (TEMPORAL_ADDRESS)', () => {
  let start: StartRun;
  const namespace = uniqueName('start');
  afterAll(() => start?.killAll());

  it('runs no dev server, adds the missing search attributes, and stops everything when a child dies', async () => {
    const address = inject('temporalAddress');
    const connection = await Connection.connect({ address });
    await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('1 day') });
    await connection.close();

    start = runStart(await freePorts(), {
      TEMPORAL_ADDRESS: address,
      TEMPORAL_NAMESPACE: namespace,
      TEMPORAL_TASK_QUEUE: uniqueName('start'),
    });
    await start.waitFor(READY, 240_000);
    const out = start.output();
    expect(out).toContain(`[start] Using the Temporal server at ${address} (namespace ${namespace}); not starting one.`);
    expect(out).toMatch(/\[start\] Added the search attributes .*MxAwaitingMfa to namespace/);
    expect(out).not.toContain('Web UI ');
    const pids = descendants(start.process.pid!);
    const commandOf = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
    expect(pids.map(commandOf).join('\n')).not.toContain('start-dev');
    const sandbox = pids.find((pid) => commandOf(pid).includes('src/cmd/sandbox.ts'));
    expect(sandbox).toBeDefined();

    process.kill(sandbox!, 'SIGKILL');
    const { code } = await start.exited;
    expect(code).toBe(1);
    expect(start.output()).toContain('[start] The MX sandbox stopped unexpectedly (killed by SIGKILL); stopping everything.');
    expect(await survivors(pids, 5_000)).toEqual([]);
  }, 300_000);
});
