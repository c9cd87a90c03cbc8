// One project command (`src/cmd/<command>.ts`) run as a child of `npm start`, its output prefixed with its name.
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

/**
 * How Node runs a project command: its build (dist/<command>.js) when `npm start` itself runs from the
 * build, which scripts/run.mjs has just brought up to date; its source under tsx when `npm start` runs
 * from source (`npx tsx src/cmd/start.ts`, the tests), so both modes run the code they were started from.
 */
export function commandArgs(command: string, runningFrom: string = import.meta.url): string[] {
  return runningFrom.endsWith('.ts') ? ['--import', 'tsx', `src/cmd/${command}.ts`] : ['--enable-source-maps', `dist/${command}.js`];
}

export function startChild(
  { name, title }: { name: string; title: string },
  command: string,
  env: NodeJS.ProcessEnv,
  print: (line: string) => void,
): Child {
  // One node process per command (no npm or tsx wrapper in between), and its own process group means a
  // terminal's Ctrl-C reaches `npm start` only, which then stops children in order.
  const child = spawn(process.execPath, commandArgs(command), {
    cwd: projectRoot,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`Could not start the ${title} (${command}).`);
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
