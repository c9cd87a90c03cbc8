// Every process the cluster helpers start is listed here and stopped when the test process exits,
// however it exits (a failed assertion, a timeout, Ctrl-C): nothing is left running on a shared machine.
import { type ChildProcess, spawn, type SpawnOptions } from 'node:child_process';

interface Owned {
  child: ChildProcess;
  /** The signal that stops it at once and lets it clean up after itself (PostgreSQL: SIGQUIT). */
  killSignal: NodeJS.Signals;
}

const owned = new Set<Owned>();
let hooked = false;

function killAll(): void {
  for (const { child, killSignal } of owned) if (isRunning(child)) child.kill(killSignal);
}

function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.once('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      // A caller that handles the signal itself stops things in order; the exit hook still catches the rest.
      if (process.listenerCount(signal) > 0) return;
      killAll();
      process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1));
    });
  }
}

export function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

/** Spawns a process that is killed with `killSignal` if this process exits first. */
export function spawnOwned(command: string, args: string[], options: SpawnOptions & { killSignal?: NodeJS.Signals }): ChildProcess {
  hookExit();
  const { killSignal = 'SIGKILL', ...spawnOptions } = options;
  const child = spawn(command, args, spawnOptions);
  const entry = { child, killSignal };
  owned.add(entry);
  child.once('exit', () => owned.delete(entry));
  child.once('error', () => owned.delete(entry));
  return child;
}

/** Sends `signal`, waits for the exit, and kills after `graceMs`. */
export async function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM', graceMs = 15_000): Promise<void> {
  if (!isRunning(child)) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Resolves once `output` (stdout and stderr together) contains `marker`; rejects if the process exits first. */
export async function waitForOutput(child: ChildProcess, marker: string | RegExp, what: string, timeoutMs: number): Promise<void> {
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`${what} was not ready within ${timeoutMs} ms:\n${tail(output)}`)), timeoutMs);
    const onData = (d: Buffer) => {
      output += d.toString();
      if (typeof marker === 'string' ? output.includes(marker) : marker.test(output)) finish();
    };
    const onExit = (code: number | null, signal: string | null) =>
      finish(new Error(`${what} exited (${code ?? signal}) before it was ready:\n${tail(output)}`));
    function finish(err?: Error) {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
      if (err) reject(err);
      else resolve();
    }
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
  });
}

function tail(text: string): string {
  return text.split('\n').slice(-40).join('\n');
}
