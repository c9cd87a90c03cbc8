// What only the S3 backend does, against a real S3-compatible server (versitygw on loopback): a large
// write is a multipart upload nobody can read until it completes, and aborting it deletes its parts;
// the verified hash is object metadata; the sweep aborts abandoned uploads and deletes stale staging
// parts, under its own prefix only; memory stays bounded however large the object.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import {
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { createS3Storage } from '../../src/storage/s3';
import { sweepS3 } from '../../src/storage/s3-sweep';
import { PART_BYTES, SHA256_METADATA } from '../../src/storage/s3-writer';
import { startVersitygw, versitygwMissing, type Versitygw } from '../helpers/versitygw';

const sha = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const prefix = () => `t-${randomBytes(4).toString('hex')}`;

describe.skipIf(versitygwMissing())('S3 storage on versitygw', () => {
  let s3: Versitygw;
  beforeAll(async () => void (s3 = await startVersitygw()), 60_000);
  afterAll(async () => s3?.stop());

  const uploadsUnder = async (p: string) =>
    ((await s3.client.send(new ListMultipartUploadsCommand({ Bucket: s3.bucket, Prefix: `${p}/` }))).Uploads ?? []).map((u) => u.Key);
  const objectsUnder = async (p: string) =>
    ((await s3.client.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: `${p}/` }))).Contents ?? []).map((o) => o.Key).sort();

  it('writes a large object as a multipart upload that shows no object until commit, and abort deletes it', async () => {
    const p = prefix();
    const storage = createS3Storage(s3.settings(p));
    const writer = await storage.create('statements/a.pdf');
    for (let i = 0; i < 3; i++) if (!writer.write(randomBytes(PART_BYTES))) await writer.drained();
    await waitFor(async () => (await uploadsUnder(p)).length > 0);
    expect(await uploadsUnder(p)).toEqual([`${p}/statements/a.pdf`]);
    expect(await objectsUnder(p)).toEqual([]);
    await writer.abort();
    expect(await uploadsUnder(p)).toEqual([]);
    expect(await objectsUnder(p)).toEqual([]);
  });

  it('records the verified SHA-256 as object metadata and answers sha256() from it; reads an object whose hash came too late', async () => {
    const p = prefix();
    const storage = createS3Storage(s3.settings(p));
    const data = randomBytes(PART_BYTES + 99);
    await storage.put('with-hash.bin', [data], { expectedSha256: sha(data) });
    const head = await s3.client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: `${p}/with-hash.bin` }));
    expect(head.Metadata?.[SHA256_METADATA]).toBe(sha(data));
    expect(await storage.sha256('with-hash.bin')).toBe(sha(data));

    // An object of one part goes up at commit(), when its hash is known: recorded too.
    await storage.put('manifest.json', ['{"a":1}']);
    const small = await s3.client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: `${p}/manifest.json` }));
    expect(small.Metadata?.[SHA256_METADATA]).toBe(sha('{"a":1}'));
    // A multipart upload without an expected hash is created before its hash is known: sha256() reads it.
    const unknown = randomBytes(PART_BYTES + 7);
    await storage.put('export.ndjson', [unknown]);
    const large = await s3.client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: `${p}/export.ndjson` }));
    expect(large.Metadata?.[SHA256_METADATA]).toBeUndefined();
    expect(await storage.sha256('export.ndjson')).toBe(sha(unknown));
  });

  it('keeps each storage under its prefix and says where an object lives', async () => {
    const [a, b] = [prefix(), prefix()];
    const first = createS3Storage(s3.settings(a));
    const second = createS3Storage(s3.settings(b));
    await first.put('same/key.txt', ['first']);
    expect(await second.exists('same/key.txt')).toBe(false);
    expect(first.locate('same/key.txt')).toBe(`s3://${s3.bucket}/${a}/same/key.txt`);
    expect(createS3Storage(s3.settings('')).locate('k')).toBe(`s3://${s3.bucket}/k`);
  });

  it('sweeps abandoned multipart uploads and stale staging parts under its prefix only, keeping fresh ones', async () => {
    const [p, other] = [prefix(), prefix()];
    const storage = createS3Storage(s3.settings(p));
    // What a worker killed mid-upload leaves: an upload with a part, no object.
    for (const key of [`${p}/statements/killed.pdf`, `${other}/statements/killed.pdf`]) {
      await s3.client.send(new CreateMultipartUploadCommand({ Bucket: s3.bucket, Key: key }));
    }
    await storage.put('run/.accounts.page-1.part', ['staged']);
    await storage.put('run/accounts.ndjson', ['kept']);
    const target = { client: s3.client, bucket: s3.bucket, keyPrefix: `${p}/` };
    const hour = 60 * 60_000;

    // Everything is fresh now: nothing goes.
    expect(await storage.sweep!(hour)).toEqual([]);
    expect(await storage.sweep!(hour, (name) => name.endsWith('.part'))).toEqual([]);
    // Two hours later: the upload (no name filter), then the staging part (by name).
    expect(await sweepS3(target, hour, undefined, Date.now() + 2 * hour)).toEqual(['statements/killed.pdf']);
    expect(await sweepS3(target, hour, (name) => name.endsWith('.part'), Date.now() + 2 * hour)).toEqual(['run/.accounts.page-1.part']);
    expect(await uploadsUnder(p)).toEqual([]);
    expect(await objectsUnder(p)).toEqual([`${p}/run/accounts.ndjson`]);
    expect(await uploadsUnder(other)).toEqual([`${other}/statements/killed.pdf`]);
  });

  it("fails with the server's reason when the bucket does not exist, leaving nothing", async () => {
    const storage = createS3Storage({ ...s3.settings(''), bucket: 'no-such-bucket-here' });
    await expect(storage.put('x.txt', ['x'])).rejects.toThrow(/bucket/i);
    await expect(storage.put('big.bin', [randomBytes(2 * PART_BYTES)])).rejects.toThrow(/bucket/i);
    expect(await storage.exists('x.txt').catch((e: unknown) => (e as Error).name)).not.toBe(true);
  });

  it('streams 192 MB with bounded memory (RSS growth well under 64 MB)', async () => {
    const storage = createS3Storage(s3.settings(prefix()));
    const chunk = randomBytes(256 * 1024);
    const total = 192 * 1024 * 1024;
    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    try {
      const writer = await storage.create('large.bin');
      for (let sent = 0; sent < total; sent += chunk.length) {
        if (!writer.write(chunk)) await writer.drained();
        peak = Math.max(peak, process.memoryUsage().rss);
      }
      expect((await writer.commit()).bytes).toBe(total);
    } finally {
      clearInterval(sampler);
    }
    const growthMb = (peak - before) / 2 ** 20;
    console.log(`[s3] 192 MB written, peak RSS growth ${growthMb.toFixed(1)} MB`);
    expect(growthMb).toBeLessThan(64);
    expect((await storage.stat('large.bin'))?.bytes).toBe(total);
  }, 120_000);

  it('puts a plain object written by someone else through the same key rules', async () => {
    const p = prefix();
    await s3.client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: `${p}/outside.txt`, Body: 'written by another tool' }));
    const storage = createS3Storage(s3.settings(p));
    expect(await storage.sha256('outside.txt')).toBe(sha('written by another tool'));
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}
