// Both guides end to end with S3 storage: a real worker process (`src/cmd/worker.ts`) configured only by
// STORAGE_URL and the AWS SDK's variables, on the test's Temporal dev server, against the sandbox, storing
// into versitygw on loopback. Statement PDFs are larger than one part (multipart uploads), and the first
// downloads are cut mid-PDF: their retries start over from byte 0 (S3 storage does not resume), and every
// PDF in the bucket still matches MX's content_hash, with no multipart upload or staging part left over.
// A re-run skips every PDF already stored (the hash is read from object metadata).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, ListMultipartUploadsCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { Client, type WorkflowHandle } from '@temporalio/client';
import { loadConfig } from '../../src/config';
import { startSandbox, type Sandbox } from '../../src/sandbox/server';
import { loadDataConverter } from '../../src/temporal/data-converter';
import type { RunManifest } from '../../workflows/manifest';
import { connectToTestServer, uniqueName, type TemporalTestContext } from '../helpers/temporal';
import { startVersitygw, versitygwMissing, type Versitygw } from '../helpers/versitygw';
import { FAST } from '../workflows/guide-env';

const STATEMENT_BYTES = 12 * 1024 * 1024;
const PREFIX = 'guides';

describe.skipIf(versitygwMissing())('the guides with S3 storage (versitygw)', () => {
  let temporal: TemporalTestContext;
  let sandbox: Sandbox;
  let s3: Versitygw;
  let dataDir: string;
  let client: Client;
  let workerEnv: NodeJS.ProcessEnv;
  let worker: ChildProcess | undefined;
  let workerOutput = '';

  beforeAll(async () => {
    temporal = await connectToTestServer();
    // The first three PDF bodies are cut after 9 MB: past the first 8 MB part, so a multipart upload is under way.
    sandbox = await startSandbox({
      port: 0,
      jobDurationMs: 400,
      statementBytes: STATEMENT_BYTES,
      faults: { pdfCut: { afterBytes: 9 * 1024 * 1024, next: 3 } },
    });
    s3 = await startVersitygw();
    dataDir = await mkdtemp(join(tmpdir(), 's3-e2e-data-'));
    workerEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TASK_QUEUE: uniqueName('s3-guides'),
      SANDBOX_HOST: '127.0.0.1',
      SANDBOX_PORT: String(sandbox.port),
      // Where local storage would go: the test checks nothing lands there.
      STORAGE_DIR: join(dataDir, 'storage'),
      DATA_DIR: dataDir,
      PAYLOAD_CODEC_KEY: randomBytes(32).toString('base64'),
      LOG_LEVEL: 'WARN',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      ...s3.env(PREFIX),
    };
    client = new Client({ connection: temporal.client.connection, dataConverter: await loadDataConverter(loadConfig(workerEnv)) });
    worker = spawn(process.execPath, ['--import', 'tsx', 'src/cmd/worker.ts'], { env: workerEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    worker.stderr!.on('data', (d: Buffer) => void ((workerOutput += d.toString()), process.stderr.write(`[worker] ${d}`)));
    await new Promise<void>((resolve, reject) => {
      worker!.stdout!.on('data', (d: Buffer) => {
        workerOutput += d.toString();
        if (workerOutput.includes('Worker polling')) resolve();
      });
      worker!.once('exit', (code) => reject(new Error(`worker exited (${code}) before polling:\n${workerOutput}`)));
    });
  }, 120_000);

  afterAll(async () => {
    if (worker && worker.exitCode === null && worker.signalCode === null) {
      const exited = new Promise((resolve) => worker!.once('exit', resolve));
      worker.kill('SIGTERM');
      const timer = setTimeout(() => worker!.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    }
    await sandbox?.close();
    await s3?.stop();
    await temporal?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const start = (type: 'fetchAccountData' | 'fetchStatements', userId: string): Promise<WorkflowHandle> =>
    client.workflow.start(type, {
      taskQueue: workerEnv.TEMPORAL_TASK_QUEUE!,
      workflowId: uniqueName(`${type}-${userId}`),
      args: [{ userId, institutionCode: 'mxbank', credentials: { username: 'mxuser', password: 'password' }, ...FAST }],
    });
  const objectText = async (key: string) => {
    const { Body } = await s3.client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: `${PREFIX}/${key}` }));
    return await Body!.transformToString();
  };
  const objectSha256 = async (key: string) => {
    const { Body } = await s3.client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: `${PREFIX}/${key}` }));
    const hash = createHash('sha256');
    for await (const chunk of Body as AsyncIterable<Uint8Array>) hash.update(chunk);
    return hash.digest('hex');
  };
  const allKeys = async () => {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await s3.client.send(new ListObjectsV2Command({ Bucket: s3.bucket, ContinuationToken: token }));
      keys.push(...(page.Contents ?? []).map((o) => o.Key!));
      token = page.NextContinuationToken;
    } while (token);
    return keys;
  };

  it('runs both guides into the bucket: exports, manifests and verified PDFs; cut downloads start over; nothing left over', async () => {
    expect(workerOutput).toContain(`storage s3://${s3.bucket}/${PREFIX} at ${s3.endpoint}`);
    const userId = uniqueName('s3user');
    const [accounts, statements] = await Promise.all([start('fetchAccountData', userId), start('fetchStatements', userId)]);
    const [exported, fetched] = (await Promise.all([accounts.result(), statements.result()])) as [RunManifest, RunManifest];

    const transactions = (await objectText(exported.accounts!.transactionsKey)).trim().split('\n');
    expect(transactions.length).toBe(exported.accounts!.transactionCount);
    expect(exported.accounts!.transactionCount).toBeGreaterThan(0);
    expect((await objectText(exported.accounts!.accountsKey)).trim().split('\n').length).toBe(exported.accounts!.count);
    expect(JSON.parse(await objectText(exported.manifestKey))).toMatchObject({
      guide: 'fetchAccountData',
      accounts: { transactionCount: exported.accounts!.transactionCount },
    });
    expect(JSON.parse(await objectText(fetched.manifestKey))).toMatchObject({ guide: 'fetchStatements' });

    expect(fetched.statements!.count).toBe(15);
    for (const file of fetched.statements!.files) {
      expect(file.bytes).toBe(STATEMENT_BYTES);
      expect(file.sha256).toBe(file.contentHash);
      expect(await objectSha256(file.key)).toBe(file.contentHash);
    }
    // Three downloads were cut, so the downloads activity was retried (an S3 upload cannot resume: a cut
    // PDF starts over from byte 0 on the retry, which fetches only the PDFs left)...
    const history = await statements.fetchHistory();
    const retried = (history.events ?? []).filter(
      (e) =>
        e.activityTaskStartedEventAttributes &&
        (e.activityTaskStartedEventAttributes.attempt ?? 1) > 1 &&
        e.activityTaskStartedEventAttributes.lastFailure?.message?.includes('download interrupted'),
    );
    expect(retried.length).toBeGreaterThanOrEqual(1);
    // ...and their uploads aborted; no export staging part is left.
    expect((await s3.client.send(new ListMultipartUploadsCommand({ Bucket: s3.bucket }))).Uploads ?? []).toEqual([]);
    const keys = await allKeys();
    expect(keys.filter((key) => !key.startsWith(`${PREFIX}/`))).toEqual([]);
    expect(keys.filter((key) => key.endsWith('.part'))).toEqual([]);
    expect(keys.filter((key) => key.endsWith('.pdf')).length).toBe(15);
  }, 240_000);

  it('skips every PDF already stored with the same hash on a re-run', async () => {
    const userId = uniqueName('s3rerun');
    const first = (await (await start('fetchStatements', userId)).result()) as RunManifest;
    const second = (await (await start('fetchStatements', userId)).result()) as RunManifest;
    expect(first.statements!.files.every((f) => !f.skipped)).toBe(true);
    expect(second.statements!.files.map((f) => f.skipped)).toEqual(first.statements!.files.map(() => true));
    expect(second.statements!.files.map((f) => f.key).sort()).toEqual(first.statements!.files.map((f) => f.key).sort());
  }, 240_000);
});
