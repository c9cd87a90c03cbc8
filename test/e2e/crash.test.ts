// A crash costs seconds and leaves nothing behind. Real worker processes (`src/cmd/worker.ts`) run the
// guides against the sandbox (50 MB statements sent at a bounded rate so a kill lands mid-PDF; slow
// transaction pages so it lands mid-export too). One worker is SIGKILLed and either a new one is started
// (as a supervisor would) or another one is already running. Measured: how long after the kill the
// killed activities run again. Asserted: every run completes, every PDF matches MX's content_hash, the
// cut PDFs resumed with Range, and storage holds no stray file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Client, type WorkflowHandle } from '@temporalio/client';
import { temporal as proto } from '@temporalio/proto';
import { isExportPartName } from '../../activities/export';
import { loadConfig, SANDBOX_API_KEY, SANDBOX_CLIENT_ID } from '../../src/config';
import { startSandbox, type Sandbox } from '../../src/sandbox/server';
import { loadDataConverter } from '../../src/temporal/data-converter';
import type { RunManifest } from '../../workflows/manifest';
import { connectToTestServer, uniqueName, type TemporalTestContext } from '../helpers/temporal';
import { FAST } from '../workflows/guide-env';

const STATEMENT_BYTES = 50 * 1024 * 1024;
const STALL_LIMIT_MS = 20_000;
const STARTED = proto.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED;

let temporal: TemporalTestContext;
let sandbox: Sandbox;
let proxy: RecordingProxy;
let storageDir: string;
let dataDir: string;
let client: Client;
let workerEnv: NodeJS.ProcessEnv;
const workers: ChildProcess[] = [];

beforeAll(async () => {
  temporal = await connectToTestServer();
  sandbox = await startSandbox({
    port: 0,
    jobDurationMs: 400,
    statementBytes: STATEMENT_BYTES,
    transactionsPerAccount: 5_000,
    faults: { latencyMs: 250, pdfBytesPerSecond: 15_000_000 },
  });
  proxy = await recordingProxy(sandbox.port);
  storageDir = await mkdtemp(join(tmpdir(), 'crash-storage-'));
  dataDir = await mkdtemp(join(tmpdir(), 'crash-data-'));
  workerEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_NAMESPACE: 'default',
    MX_BASE_URL: proxy.url,
    MX_CLIENT_ID: SANDBOX_CLIENT_ID,
    MX_API_KEY: SANDBOX_API_KEY,
    STORAGE_DIR: storageDir,
    DATA_DIR: dataDir,
    PAYLOAD_CODEC_KEY: randomBytes(32).toString('base64'),
    LOG_LEVEL: 'WARN',
  };
  client = new Client({ connection: temporal.client.connection, dataConverter: await loadDataConverter(loadConfig(workerEnv)) });
}, 120_000);

afterAll(async () => {
  await Promise.all(workers.map(stopWorker));
  await proxy?.close();
  await sandbox?.close();
  await temporal?.close();
  await Promise.all([storageDir, dataDir].filter(Boolean).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('a worker SIGKILLed mid-export and mid-download', () => {
  it('costs seconds: a new worker resumes the work, every run completes, every PDF verifies, no stray file', async () => {
    const queue = uniqueName('crash');
    const first = await startWorker(queue);
    const exportRun = await start(queue, 'fetchAccountData', 'crash-export');
    const statementsRun = await start(queue, 'fetchStatements', 'crash-pdf');

    const inFlight = await waitFor(async () => {
      const files = await listFiles(storageDir);
      // Mid-export: its staging parts (one per page) are being written, or the file is being assembled.
      const exporting = files.some((f) => isExportPartName(f.name) || f.name.endsWith('.transactions.ndjson.partial'));
      const downloading = files.some((f) => f.name.endsWith('.pdf.partial') && f.bytes >= 5_000_000 && f.bytes < STATEMENT_BYTES);
      return exporting && downloading ? files : null;
    }, 120_000);
    first.kill('SIGKILL');
    const killedAt = Date.now();
    const cutPdfs = inFlight.filter((f) => f.name.endsWith('.pdf.partial')).length;

    await startWorker(queue);
    const secondReadyMs = Date.now() - killedAt;
    const [exportStall, downloadStall] = await Promise.all([
      resumedAfter(exportRun, 'exportAccountsAndTransactions', killedAt),
      resumedAfter(statementsRun, 'downloadStatements', killedAt),
    ]);

    const [exported, fetched] = (await Promise.all([exportRun.result(), statementsRun.result()])) as [RunManifest, RunManifest];
    const completedMs = Date.now() - killedAt;

    await expectVerifiedPdfs(fetched);
    const transactions = (await readFile(join(storageDir, exported.accounts!.transactionsKey), 'utf8')).trim().split('\n');
    expect(transactions.length).toBe(exported.accounts!.transactionCount);
    expect(exported.accounts!.transactionCount).toBeGreaterThan(0);

    const resumed = resumedRanges(fetched);
    expect(resumed.length).toBeGreaterThan(0);
    expect(await strayFiles()).toEqual([]);

    console.log(
      `[crash] ${cutPdfs} PDF(s) and the export cut by SIGKILL; new worker ready ${secondReadyMs} ms after the kill; ` +
        `export resumed after ${exportStall} ms, first download after ${downloadStall} ms; ` +
        `${resumed.length} download(s) resumed with Range (from byte ${resumed.join(', ')}); both runs done ${completedMs} ms after the kill`,
    );
    expect(exportStall).toBeLessThan(STALL_LIMIT_MS);
    expect(downloadStall).toBeLessThan(STALL_LIMIT_MS);
  }, 300_000);

  it('with another worker already running, the killed downloads move to it within the heartbeat timeout', async () => {
    const queue = uniqueName('crash-standby');
    const both = await Promise.all([startWorker(queue), startWorker(queue)]);
    const statementsRun = await start(queue, 'fetchStatements', 'crash-standby');
    // Both workers poll; kill one that holds a download well under way (identity: pid@host).
    const { victim, inFlight } = await waitFor(async () => {
      const { raw } = await statementsRun.describe();
      const holders = (raw.pendingActivities ?? []).filter((a) => a.state === STARTED).map((a) => a.lastWorkerIdentity);
      const victim = both.find((worker) => holders.some((identity) => identity?.startsWith(`${worker.pid}@`)));
      const inFlight = (await listFiles(storageDir)).filter(
        (f) => f.name.endsWith('.pdf.partial') && f.bytes >= 5_000_000 && f.bytes < STATEMENT_BYTES,
      );
      return victim && inFlight.length ? { victim, inFlight } : null;
    }, 120_000);
    victim.kill('SIGKILL');
    const killedAt = Date.now();
    const stall = await resumedAfter(statementsRun, 'downloadStatements', killedAt);
    const fetched = (await statementsRun.result()) as RunManifest;
    await expectVerifiedPdfs(fetched);
    const resumed = resumedRanges(fetched);
    expect(await strayFiles()).toEqual([]);
    console.log(
      `[crash] two workers, one SIGKILLed with ${inFlight.length} PDF(s) under way: download resumed on the other ${stall} ms after the kill; ` +
        `${resumed.length} download(s) resumed with Range; run done ${Date.now() - killedAt} ms after the kill`,
    );
    expect(resumed.length).toBeGreaterThan(0);
    expect(stall).toBeLessThan(STALL_LIMIT_MS);
  }, 300_000);
});

/** Every PDF of the run is complete and is what MX says it is (content_hash), on disk as in the manifest. */
async function expectVerifiedPdfs(manifest: RunManifest): Promise<void> {
  expect(manifest.statements!.count).toBe(15);
  for (const file of manifest.statements!.files) {
    expect(file.sha256).toBe(file.contentHash);
    expect(await sha256Of(join(storageDir, file.key))).toBe(file.contentHash);
  }
}

/** The offsets of the Range requests for this run's PDFs: downloads that went on from the bytes on disk. */
function resumedRanges(manifest: RunManifest): number[] {
  const guids = manifest.statements!.files.map((f) => f.guid);
  const offsets = proxy.heads
    .filter((head) => guids.some((guid) => head.includes(`/${guid}.pdf `)))
    .map((head) => /\r\nrange: bytes=(\d+)-/i.exec(head)?.[1])
    .filter((from): from is string => from !== undefined)
    .map(Number);
  expect(offsets.every((from) => from > 0 && from < STATEMENT_BYTES)).toBe(true);
  return offsets;
}

/** Anything in storage but published objects: partial files, hidden files of any kind. */
async function strayFiles(): Promise<string[]> {
  return (await listFiles(storageDir)).filter((f) => f.name.startsWith('.') || !/\.(pdf|ndjson|json)$/.test(f.name)).map((f) => f.path);
}

async function start(taskQueue: string, type: 'fetchAccountData' | 'fetchStatements', userPrefix: string): Promise<WorkflowHandle> {
  const userId = uniqueName(userPrefix);
  return await client.workflow.start(type, {
    taskQueue,
    workflowId: `${type}-${userId}`,
    args: [
      {
        userId,
        institutionCode: 'mxbank',
        credentials: { username: 'mxuser', password: 'password' },
        ...FAST,
        statements: { concurrency: 4 },
      },
    ],
  });
}

/** The worker as `npm run worker` runs it, but as one process (no npm or tsx parent) so SIGKILL hits it. */
async function startWorker(taskQueue: string): Promise<ChildProcess> {
  const env = { ...workerEnv, TEMPORAL_TASK_QUEUE: taskQueue };
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cmd/worker.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  workers.push(child);
  let output = '';
  // Its warnings (an activity that failed, a timed-out heartbeat) tell why a run failed, if one does.
  child.stderr!.on('data', (d: Buffer) => void ((output += d.toString()), process.stderr.write(`[worker ${child.pid}] ${d}`)));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      output += d.toString();
      if (output.includes('Worker polling')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`worker exited (${code}) before polling:\n${output}`)));
  });
  return child;
}

async function stopWorker(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

/** Milliseconds from the kill until a retry of `activityType` (attempt 2 or later) started on a live worker. */
async function resumedAfter(handle: WorkflowHandle, activityType: string, killedAt: number): Promise<number> {
  return await waitFor(
    async () => {
      const { raw } = await handle.describe();
      const started = (raw.pendingActivities ?? [])
        .filter((a) => a.activityType?.name === activityType && (a.attempt ?? 0) >= 2 && a.state === STARTED && a.lastStartedTime)
        .map((a) => Number(a.lastStartedTime!.seconds) * 1000 + Math.floor((a.lastStartedTime!.nanos ?? 0) / 1e6));
      return started.length ? Math.min(...started) - killedAt : null;
    },
    60_000,
    100,
  );
}

async function waitFor<T>(probe: () => Promise<T | null>, timeoutMs: number, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`gave up after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

async function listFiles(root: string): Promise<{ path: string; name: string; bytes: number }[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const files = entries.filter((e) => e.isFile()).map((e) => ({ path: join(e.parentPath, e.name), name: e.name }));
  const sized = await Promise.all(files.map(async (f) => ({ ...f, bytes: (await stat(f.path).catch(() => ({ size: -1 }))).size })));
  return sized.filter((f) => f.bytes >= 0);
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

interface RecordingProxy {
  url: string;
  /** The head of the first request on each connection (statement PDFs get a connection each). */
  heads: string[];
  close(): Promise<void>;
}

/** A TCP relay in front of the sandbox that notes request heads, to see the Range a resumed download sends. */
async function recordingProxy(targetPort: number): Promise<RecordingProxy> {
  const heads: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((downstream) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    for (const s of [downstream, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => (downstream.destroy(), upstream.destroy(), sockets.delete(s)));
    }
    let head = '';
    const note = (d: Buffer) => {
      head += d.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end < 0 && head.length < 16_384) return;
      heads.push(head.slice(0, end < 0 ? undefined : end));
      downstream.off('data', note);
    };
    downstream.on('data', note);
    downstream.pipe(upstream).pipe(downstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    heads,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
