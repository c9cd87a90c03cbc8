// Runs `npx tsx src/cmd/start.ts` (or the built `npm start`) as a real process in its own process group, the way a terminal does,
// and records its output and every process it started.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertPortFree } from '../../src/temporal/ports';

export interface StartPorts {
  TEMPORAL_PORT: number;
  TEMPORAL_UI_PORT: number;
  SANDBOX_PORT: number;
  SUPPORT_WEB_PORT: number;
  CODEC_PORT: number;
  WEBHOOKS_PORT: number;
}

export interface StartRun {
  process: ChildProcess;
  ports: StartPorts;
  dataDir: string;
  output(): string;
  /** Resolves with the output once `text` appears; rejects if the process exits first. */
  waitFor(text: string | RegExp, timeoutMs: number): Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** What a terminal's Ctrl-C does: SIGINT to the whole foreground process group. */
  interrupt(): void;
  killAll(): void;
}

// Variables that would point `npm start` elsewhere than its embedded defaults.
const FOREIGN = [
  'TEMPORAL_ADDRESS',
  'TEMPORAL_PROFILE',
  'TEMPORAL_CONFIG_FILE',
  'TEMPORAL_NAMESPACE',
  'TEMPORAL_API_KEY',
  'MX_BASE_URL',
  'PAYLOAD_CODEC_KEY',
  'TEMPORAL_CODEC_ENDPOINT',
];

/**
 * Ports below Linux's ephemeral range (32768+): the dev server binds random ephemeral ports for its
 * internal services (metrics, history, matching) and could take one meant for a later child.
 */
export async function freePorts(): Promise<StartPorts> {
  const ports = new Set<number>();
  while (ports.size < 6) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (await isFree(port)) ports.add(port);
  }
  const [a, b, c, d, e, f] = [...ports] as [number, number, number, number, number, number];
  return { TEMPORAL_PORT: a, TEMPORAL_UI_PORT: b, SANDBOX_PORT: c, SUPPORT_WEB_PORT: d, CODEC_PORT: e, WEBHOOKS_PORT: f };
}

/** How npm start runs from source (the default here) and from the build (package.json's `npm start`). */
export const FROM_SOURCE = ['npx', 'tsx', 'src/cmd/start.ts'] as const;
export const FROM_BUILD = [process.execPath, 'scripts/run.mjs', 'start'] as const;

/** dataDir: reuse one (a second start on the same data); a fresh temporary one by default. */
export function runStart(
  ports: StartPorts,
  extraEnv: Record<string, string> = {},
  dataDir = mkdtempSync(join(tmpdir(), 'npm-start-')),
  command: readonly string[] = FROM_SOURCE,
): StartRun {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of FOREIGN) delete env[name];
  Object.assign(env, Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])), {
    DATA_DIR: dataDir,
    STORAGE_DIR: join(dataDir, 'storage'),
    ...extraEnv,
  });
  const child = spawn(command[0]!, command.slice(1), { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    output += chunk.toString('utf8');
    for (const listener of listeners) listener();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // Already gone.
    }
  };
  return {
    process: child,
    ports,
    dataDir,
    output: () => output,
    exited,
    interrupt: () => signalGroup('SIGINT'),
    killAll() {
      for (const pid of descendants(child.pid!)) signalPid(pid, 'SIGKILL');
      signalGroup('SIGKILL');
    },
    waitFor(text, timeoutMs) {
      const found = () => (typeof text === 'string' ? output.includes(text) : text.test(output));
      return new Promise<string>((resolve, reject) => {
        const done = (error?: Error) => {
          listeners.delete(check);
          clearTimeout(timer);
          if (error) reject(error);
          else resolve(output);
        };
        const check = () => found() && done();
        const timer = setTimeout(() => done(new Error(`No ${String(text)} after ${timeoutMs} ms. Output:\n${output}`)), timeoutMs);
        listeners.add(check);
        void exited.then(
          ({ code }) => !found() && done(new Error(`npm start exited (${code}) before ${String(text)}. Output:\n${output}`)),
        );
        check();
      });
    },
  };
}

/** Every live process below pid, however deep (detached process groups included). */
export function descendants(pid: number): number[] {
  const table = execFileSync('ps', ['-e', '-o', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number) as [number, number]);
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const parent = queue.shift()!;
    for (const [child, ppid] of table) {
      if (ppid === parent) {
        found.push(child);
        queue.push(child);
      }
    }
  }
  return found;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function signalPid(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone.
  }
}

/** The pids still alive after waiting up to withinMs for them to go, each with its command line. */
export async function survivors(pids: number[], withinMs: number): Promise<string[]> {
  const deadline = Date.now() + withinMs;
  while (pids.some(isAlive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  return pids.filter(isAlive).map((pid) => {
    try {
      return `${pid} ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ')}`;
    } catch {
      return `${pid}`;
    }
  });
}

async function isFree(port: number): Promise<boolean> {
  return await assertPortFree(port, '127.0.0.1', 'test', 'none').then(
    () => true,
    () => false,
  );
}

/**
 * SIGKILL to those of `pids` still running on `dataDir`: once npm start's own process is gone its
 * children are no longer found below it, and a pid may since belong to someone else.
 */
export function killLeftovers(pids: Iterable<number>, dataDir: string): void {
  for (const pid of pids) {
    try {
      if (readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(`DATA_DIR=${dataDir}`)) process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}
