// One worker process as production runs it: `node scripts/run.mjs worker` with NODE_ENV=production (what
// `npm run worker` does in the Docker image: dist/worker.js as built), minus the npm parent, so its pid is
// the worker's and /proc/<pid>/status shows the worker's own memory.
import type { ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { projectRoot } from '../../scripts/build.mjs';
import { spawnOwned, stopChild, waitForOutput } from '../../test/cluster/helpers/children';

export interface WorkerProcess {
  child: ChildProcess;
  stop(): Promise<void>;
  /** Peak and current resident set (VmHWM, VmRSS) in MB. */
  memory(): Promise<{ peakMb: number; rssMb: number }>;
}

/** `nodeArgs`: V8 flags and profiling switches (--max-semi-space-size, --cpu-prof, …). */
export async function startProductionWorker(env: Record<string, string>, label: string, nodeArgs: string[] = []): Promise<WorkerProcess> {
  const child = spawnOwned(process.execPath, [...nodeArgs, join(projectRoot, 'scripts', 'run.mjs'), 'worker'], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr!.on('data', (d: Buffer) => process.stderr.write(`[${label} ${child.pid}] ${d}`));
  await waitForOutput(child, 'Worker polling', label, 120_000);
  child.stdout!.resume();
  return {
    child,
    stop: () => stopChild(child, 'SIGTERM', 15_000),
    memory: async () => {
      const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
      const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
      return { peakMb: Math.round(kb('VmHWM') / 1024), rssMb: Math.round(kb('VmRSS') / 1024) };
    },
  };
}
