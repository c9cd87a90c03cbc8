// Streams one large statement PDF through the downloadStatement activity (MockActivityEnvironment, as a
// worker runs it: hashed, verified against content_hash, published only then) into S3 storage on a real
// S3-compatible server (versitygw on loopback), next to the local-folder backend in the same run, and
// prints each one's throughput and this process's peak RSS growth (target < 64 MB for S3: memory is
// bounded by the part size and queue, src/storage/s3-writer.ts, whatever the PDF's size).
// The sandbox and versitygw run as child processes, so their memory is not counted here.
// Needs versitygw: bash scripts/install-versitygw.sh
// Run: npx tsx bench/s3-statement.ts [megabytes] [rounds]
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createActivities } from '../activities';
import type { Activities } from '../activities/types';
import { SANDBOX_API_KEY, SANDBOX_CLIENT_ID } from '../src/config';
import { createMxClient } from '../src/mx/client';
import { createLocalStorage } from '../src/storage/local';
import { createS3Storage } from '../src/storage/s3';
import { PART_BYTES, QUEUE_SIZE } from '../src/storage/s3-writer';
import type { Storage } from '../src/storage/types';
import { freePort } from '../src/temporal/ports';
import { startVersitygw } from '../test/helpers/versitygw';
import { MB, downloadThroughActivity, prepareStatement, startSandboxProcess } from './statement-download';

const megabytes = Number(process.argv[2] ?? 500);
const rounds = Number(process.argv[3] ?? 2);
const TARGET_RSS_MB = 64;

interface Backend {
  name: string;
  storage: Storage;
  activities: Activities;
  seconds: number[];
  growthMb: number[];
}

async function main(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const port = await freePort();
  const sandbox = await startSandboxProcess(port, megabytes * MB);
  const s3 = await startVersitygw();
  const dir = await mkdtemp(join(resolve('.tmp'), 'bench-s3-'));
  try {
    const mx = createMxClient({
      baseUrl: `http://127.0.0.1:${port}`,
      clientId: SANDBOX_CLIENT_ID,
      apiKey: SANDBOX_API_KEY,
      timeoutMs: 30_000,
    });
    const make = (name: string, storage: Storage): Backend => ({
      name,
      storage,
      activities: createActivities({ mx, storage, clock: { now: () => new Date() } }),
      seconds: [],
      growthMb: [],
    });
    const backends = [make('local folder', createLocalStorage(dir)), make('S3 (versitygw)', createS3Storage(s3.settings('bench')))];
    const statement = await prepareStatement(backends[0]!.activities);
    for (let round = 1; round <= rounds; round++) {
      // Take turns going first: whichever runs first after a delete may pay more for fresh page cache.
      const order = round % 2 === 1 ? backends : [...backends].reverse();
      for (const backend of order) {
        const key = `bench/${randomUUID()}.pdf`;
        const run = await downloadThroughActivity(backend.activities, { ...statement, key }, megabytes * MB);
        await backend.storage.remove(key);
        backend.seconds.push(run.seconds);
        backend.growthMb.push(run.growthMb);
        console.log(`round ${round}: ${backend.name.padEnd(15)} ${rate(run.seconds)} MB/s, RSS growth ${run.growthMb.toFixed(1)} MB`);
      }
    }
    console.log(
      `statement             ${megabytes} MB, verified against content_hash, ${rounds} round(s); S3 parts ${PART_BYTES / MB} MB x ${QUEUE_SIZE} at once`,
    );
    console.log(`backend               best MB/s   peak RSS growth`);
    for (const backend of backends) {
      console.log(
        `${backend.name.padEnd(22)}${rate(Math.min(...backend.seconds)).padStart(9)}   ${Math.max(...backend.growthMb)
          .toFixed(1)
          .padStart(8)} MB`,
      );
    }
    const s3Growth = Math.max(...backends[1]!.growthMb);
    console.log(
      `S3 peak RSS growth    ${s3Growth.toFixed(1)} MB (target < ${TARGET_RSS_MB} MB): ${s3Growth < TARGET_RSS_MB ? 'OK' : 'OVER TARGET'}`,
    );
    if (s3Growth >= TARGET_RSS_MB) process.exitCode = 1;
  } finally {
    sandbox.kill('SIGTERM');
    await s3.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

const rate = (seconds: number) => (megabytes / seconds).toFixed(0);

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
