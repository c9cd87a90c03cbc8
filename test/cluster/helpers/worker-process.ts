// A worker as `npm run worker` runs it (src/cmd/worker.ts), as one real process (no npm or tsx parent,
// so a SIGKILL hits the worker itself), with the prebuilt workflow bundle so three of them start in
// seconds rather than each bundling the workflows.
import type { ChildProcess } from 'node:child_process';
import { spawnOwned, stopChild, waitForOutput } from './children';

export interface WorkerProcess {
  child: ChildProcess;
  /** The identity the SDK reports for it (`pid@host`), as pending activities and histories show it. */
  identityPrefix: string;
  stop(): Promise<void>;
}

export async function startWorkerProcess(env: Record<string, string>, label: string): Promise<WorkerProcess> {
  const child = spawnOwned(process.execPath, ['--import', 'tsx', 'src/cmd/worker.ts'], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Its warnings (an activity that failed, a heartbeat that timed out) say why a run failed, if one does.
  child.stderr!.on('data', (d: Buffer) => process.stderr.write(`[${label} ${child.pid}] ${d}`));
  await waitForOutput(child, 'Worker polling', label, 120_000);
  child.stdout!.resume();
  return { child, identityPrefix: `${child.pid}@`, stop: () => stopChild(child, 'SIGTERM', 15_000) };
}
