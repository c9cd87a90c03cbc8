// How long `npm start` takes to be ready (first start on an empty DATA_DIR, then a second start on the
// same data) and to stop on Ctrl-C, measured on the real process as a user runs it.
// Run: npx tsx bench/start-time.ts
import { performance } from 'node:perf_hooks';
import { rmSync } from 'node:fs';
import { freePorts, runStart } from '../test/start/run-start';

async function once(label: string, dataDir?: string): Promise<string> {
  const started = performance.now();
  const start = runStart(await freePorts(), {}, dataDir);
  try {
    await start.waitFor('[start] Ready.', 240_000);
    const ready = performance.now() - started;
    const stopping = performance.now();
    start.interrupt();
    await start.exited;
    await start.waitFor('[start] Stopped.', 5_000);
    console.log(
      `${label.padEnd(40)} ready in ${(ready / 1000).toFixed(1)} s, stopped in ${((performance.now() - stopping) / 1000).toFixed(1)} s`,
    );
    return start.dataDir;
  } finally {
    start.killAll();
  }
}

const dataDir = await once('first start (empty DATA_DIR)');
await once('second start (same DATA_DIR)', dataDir);
rmSync(dataDir, { recursive: true, force: true });
