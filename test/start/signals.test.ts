// `npm start` stops every child however its session ends: Ctrl-C while its output goes through a pipe
// whose reader dies first (`npm start | tee log`: tee gets the same SIGINT), and SIGHUP when its terminal
// goes away (output can no longer be written either). Each case runs the real command, as a terminal would.
import { afterEach, describe, expect, it } from 'vitest';
import { descendants, freePorts, killLeftovers, runStart, type StartRun, survivors } from './run-start';

const READY = '[start] Ready.';

describe('npm start and the end of its session', () => {
  let start: StartRun | undefined;
  let pids: number[] = [];
  afterEach(() => {
    start?.killAll();
    if (start) killLeftovers(pids, start.dataDir);
  });

  /** Up and ready, with every process it started; then its output has nowhere to go. */
  async function readyThenOutputGone(): Promise<number[]> {
    start = runStart(await freePorts());
    await start.waitFor(READY, 240_000);
    pids = [start.process.pid!, ...descendants(start.process.pid!)];
    expect(pids.length).toBeGreaterThan(4);
    start.process.stdout!.destroy();
    start.process.stderr!.destroy();
    return pids;
  }

  it('Ctrl-C with the pipe reader gone first: every child stops', { timeout: 400_000 }, async () => {
    const pids = await readyThenOutputGone();
    start!.interrupt();
    expect(await survivors(pids, 90_000)).toEqual([]);
  });

  it('SIGHUP (the terminal went away): every child stops', { timeout: 400_000 }, async () => {
    const pids = await readyThenOutputGone();
    process.kill(-start!.process.pid!, 'SIGHUP');
    expect(await survivors(pids, 90_000)).toEqual([]);
  });
});
