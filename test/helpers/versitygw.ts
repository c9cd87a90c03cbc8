// A real S3-compatible server for tests: versitygw serving a temp folder on a free loopback port, with a
// fresh bucket. The binary comes from scripts/install-versitygw.sh (run by .ci/run); without it the
// tests that need it are skipped with a message, or fail when REQUIRE_SYSTEM_TOOLS=1 (CI).
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CreateBucketCommand, ListBucketsCommand, type S3Client } from '@aws-sdk/client-s3';
import { createS3Client, type S3Settings } from '../../src/storage/s3';
import { freePort } from '../../src/temporal/ports';

export const VERSITYGW_VERSION = 'v1.8.0';

/** Where scripts/install-versitygw.sh puts the binary (or VERSITYGW_BIN), if it is there. */
export function versitygwPath(): string | null {
  const cache = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  const path = process.env.VERSITYGW_BIN || join(cache, 'mx-temporal-guides', `versitygw-${VERSITYGW_VERSION}`, 'versitygw');
  try {
    accessSync(path, constants.X_OK);
    return path;
  } catch {
    return null;
  }
}

/**
 * For describe.skipIf: true when versitygw is missing (a message says how to install it). Throws
 * instead when REQUIRE_SYSTEM_TOOLS=1, so CI never passes by skipping.
 */
export function versitygwMissing(): boolean {
  if (versitygwPath()) return false;
  const message = 'versitygw is not installed: run `bash scripts/install-versitygw.sh` (needs Go 1.25+)';
  if (process.env.REQUIRE_SYSTEM_TOOLS === '1') throw new Error(`${message}; REQUIRE_SYSTEM_TOOLS=1 makes this a failure.`);
  console.warn(`Skipping S3 tests: ${message}.`);
  return true;
}

export interface Versitygw {
  endpoint: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** The folder it serves: each bucket is a directory in it. */
  dir: string;
  /** Settings for createS3Storage (prefix ''), credentials included. */
  settings(prefix?: string): S3Settings;
  /** The same environment a worker would get (STORAGE_URL, AWS_*). */
  env(prefix?: string): Record<string, string>;
  client: S3Client;
  /** Another bucket on the same server. */
  createBucket(name: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startVersitygw(options: { bucket?: string } = {}): Promise<Versitygw> {
  const binary = versitygwPath();
  if (!binary) throw new Error('versitygw is not installed: run `bash scripts/install-versitygw.sh`');
  const dir = await mkdtemp(join(tmpdir(), 'versitygw-'));
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const accessKeyId = `test${randomBytes(6).toString('hex')}`;
  const secretAccessKey = randomBytes(24).toString('base64url');
  const bucket = options.bucket ?? `test-${randomBytes(4).toString('hex')}`;
  let output = '';
  const child: ChildProcess = spawn(binary, ['--port', `127.0.0.1:${port}`, 'posix', dir], {
    // The keys go by environment, never on the command line (ps would show them).
    env: { PATH: process.env.PATH ?? '', HOME: dir, ROOT_ACCESS_KEY: accessKeyId, ROOT_SECRET_KEY: secretAccessKey },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d: Buffer) => void (output = (output + d.toString()).slice(-4000)));
  child.stderr?.on('data', (d: Buffer) => void (output = (output + d.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const settings = (prefix = ''): S3Settings => ({
    bucket,
    prefix,
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId, secretAccessKey },
  });
  const client = createS3Client(settings());
  const stop = async () => {
    client.destroy();
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(5_000).then(() => child.kill('SIGKILL'))]);
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitUntilServing(client, child, () => output);
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    endpoint,
    bucket,
    accessKeyId,
    secretAccessKey,
    dir,
    client,
    settings,
    env: (prefix = '') => ({
      STORAGE_URL: `s3://${bucket}${prefix ? `/${prefix}` : ''}`,
      AWS_ENDPOINT_URL_S3: endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: accessKeyId,
      AWS_SECRET_ACCESS_KEY: secretAccessKey,
    }),
    createBucket: async (name) => void (await client.send(new CreateBucketCommand({ Bucket: name }))),
    stop,
  };
}

async function waitUntilServing(client: S3Client, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`versitygw exited with code ${child.exitCode}: ${output()}`);
    try {
      await client.send(new ListBucketsCommand({}));
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`versitygw did not answer within 20 s: ${(error as Error).message}\n${output()}`);
      await sleep(100);
    }
  }
}
