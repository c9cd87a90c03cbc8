// Downloads one large statement PDF through the downloadStatement activity (in a MockActivityEnvironment,
// as a worker would run it: streamed, hashed, verified, published atomically) and prints this process's
// peak RSS growth (target < 64 MB) and its throughput against curl writing the same URL to disk (target
// >= 0.8), judged on the median of the round-by-round ratios; the best of each over the rounds (the
// least disturbed run of each; this 2-core VM is noisy) is printed beside it.
// The sandbox runs in a child process so its memory is not counted here.
// Run: npx tsx bench/download-statement.ts [megabytes] [rounds]
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { createActivities } from '../activities';
import { SANDBOX_API_KEY, SANDBOX_CLIENT_ID } from '../src/config';
import { createMxClient } from '../src/mx/client';
import { createLocalStorage } from '../src/storage/local';
import { freePort } from '../src/temporal/ports';
import { MB, downloadThroughActivity, prepareStatement, startSandboxProcess } from './statement-download';

const megabytes = Number(process.argv[2] ?? 500);
const rounds = Number(process.argv[3] ?? 5);
const TARGET_RSS_MB = 64;
const TARGET_RATIO = 0.8;

async function main(): Promise<void> {
  const port = await freePort();
  const sandbox = await startSandboxProcess(port, megabytes * MB);
  const dir = await mkdtemp(join(resolve('.tmp'), 'bench-download-'));
  try {
    const url = `http://127.0.0.1:${port}`;
    const mx = createMxClient({ baseUrl: url, clientId: SANDBOX_CLIENT_ID, apiKey: SANDBOX_API_KEY, timeoutMs: 30_000 });
    const activities = createActivities({ mx, storage: createLocalStorage(dir), clock: { now: () => new Date() } });
    const statement = await prepareStatement(activities);
    const pdfUrl = `${url}/users/${statement.userGuid}/members/${statement.memberGuid}/statements/${statement.statementGuid}.pdf`;

    let bestCurl = Infinity;
    let bestOurs = Infinity;
    let peakGrowth = 0;
    const pairedRatios: number[] = [];
    for (let round = 1; round <= rounds; round++) {
      // On this kind of VM whichever download runs first after a delete can pay more for fresh page
      // cache, so the two take turns going first.
      const curlRun = async () => {
        const seconds = await curlToDisk(pdfUrl, join(dir, `curl-${round}.pdf`));
        // Both files go as soon as they are measured, so each download writes into page cache in the
        // same state (writing into fresh memory costs several times more than into freed pages).
        await rm(join(dir, `curl-${round}.pdf`), { force: true });
        return seconds;
      };
      const oursRun = async () => {
        const key = `ours-${round}-${randomUUID()}.pdf`;
        const result = await downloadThroughActivity(activities, { ...statement, key }, megabytes * MB);
        await rm(join(dir, key), { force: true });
        return result;
      };
      let curlSeconds: number;
      let ours: Awaited<ReturnType<typeof oursRun>>;
      if (round % 2 === 1) {
        curlSeconds = await curlRun();
        ours = await oursRun();
      } else {
        ours = await oursRun();
        curlSeconds = await curlRun();
      }
      console.log(
        `round ${round}: curl ${rate(curlSeconds)} MB/s, activity ${rate(ours.seconds)} MB/s (cpu user ${ours.userSeconds.toFixed(2)} s, sys ${ours.sysSeconds.toFixed(2)} s), RSS growth ${ours.growthMb.toFixed(1)} MB`,
      );
      bestCurl = Math.min(bestCurl, curlSeconds);
      bestOurs = Math.min(bestOurs, ours.seconds);
      peakGrowth = Math.max(peakGrowth, ours.growthMb);
      pairedRatios.push(curlSeconds / ours.seconds);
    }
    const medianRatio = [...pairedRatios].sort((a, b) => a - b)[Math.floor(pairedRatios.length / 2)]!;
    const ratio = bestCurl / bestOurs;
    console.log(`statement             ${megabytes} MB, verified against content_hash, ${rounds} round(s), best of each`);
    console.log(`curl to disk          ${rate(bestCurl)} MB/s`);
    console.log(`downloadStatement     ${rate(bestOurs)} MB/s`);
    console.log(
      `throughput ratio      ${medianRatio.toFixed(2)} of curl, median of the rounds (target >= ${TARGET_RATIO}): ${medianRatio >= TARGET_RATIO ? 'OK' : 'BELOW TARGET'}`,
    );
    console.log(`  rounds              ${pairedRatios.map((r) => r.toFixed(2)).join(', ')}; best against best ${ratio.toFixed(2)}`);
    console.log(`  note                curl does not fsync; the activity must before it publishes`);
    console.log(
      `peak RSS growth       ${peakGrowth.toFixed(1)} MB (target < ${TARGET_RSS_MB} MB): ${peakGrowth < TARGET_RSS_MB ? 'OK' : 'OVER TARGET'}`,
    );
    if (medianRatio < TARGET_RATIO || peakGrowth >= TARGET_RSS_MB) process.exitCode = 1;
  } finally {
    sandbox.kill('SIGTERM');
    await rm(dir, { recursive: true, force: true });
  }
}

const rate = (seconds: number) => (megabytes / seconds).toFixed(0);

async function curlToDisk(url: string, path: string): Promise<number> {
  const auth = Buffer.from(`${SANDBOX_CLIENT_ID}:${SANDBOX_API_KEY}`).toString('base64');
  const started = performance.now();
  await promisify(execFile)('curl', [
    '-sSf',
    '-o',
    path,
    '-H',
    `Authorization: Basic ${auth}`,
    '-H',
    'Accept: application/vnd.mx.api.v1+pdf',
    '-H',
    'Accept-Version: v20111101',
    url,
  ]);
  const seconds = (performance.now() - started) / 1000;
  if ((await stat(path)).size !== megabytes * MB) throw new Error('curl downloaded the wrong size');
  return seconds;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
