// One project command (`src/cmd/*.ts`) run as a child of `npm start`, its output prefixed with its name.
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { projectRoot } from '../../scripts/temporal-cli.mjs';

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface Child {
  /** Prefix of its output lines. */
  name: string;
  /** What a person calls it, for messages. */
  title: string;
  pid: number;
  process: ChildProcess;
  /** Settles when the process has exited, whoever stopped it. */
  exited: Promise<ChildExit>;
  /** SIGTERM to its process group, SIGKILL after graceMs; resolves once it is gone. */
  stop(graceMs: number): Promise<void>;
  kill(): void;
}

export function startChild(
  { name, title }: { name: string; title: string },
  script: string,
  env: NodeJS.ProcessEnv,
  print: (line: string) => void,
): Child {
  // node --import tsx keeps one process per command (no tsx wrapper in between), and its own process
  // group means a terminal's Ctrl-C reaches `npm start` only, which then stops children in order.
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: projectRoot,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`Could not start the ${title} (${script}).`);
  const pid = child.pid;
  for (const stream of [child.stdout, child.stderr]) {
    if (stream) createInterface({ input: stream }).on('line', (line) => print(`[${name}] ${line}`));
  }
  const exited = new Promise<ChildExit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const running = () => child.exitCode === null && child.signalCode === null;
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pid, signal);
    } catch {
      // The group is already gone.
    }
  };
  return {
    name,
    title,
    pid,
    process: child,
    exited,
    kill: () => signalGroup('SIGKILL'),
    async stop(graceMs) {
      if (running()) {
        signalGroup('SIGTERM');
        const timer = setTimeout(() => signalGroup('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      }
      // Whatever the command itself started goes with it.
      signalGroup('SIGKILL');
    },
  };
}

export function describeExit({ code, signal }: ChildExit): string {
  return signal ? `killed by ${signal}` : `exit code ${code}`;
}
