// The guarantees every Storage backend gives, run against each: the local folder and an S3-compatible
// bucket (versitygw on loopback, test/helpers/versitygw.ts). What only one backend does (parallel slices
// and resume for local, multipart clean-up and hash metadata for S3) is tested in local.test.ts,
// partial.test.ts and s3.test.ts.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { ListMultipartUploadsCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { HashMismatchError, InvalidStorageKeyError } from '../../src/storage/errors';
import { createLocalStorage } from '../../src/storage/local';
import { createS3Storage } from '../../src/storage/s3';
import { PART_BYTES } from '../../src/storage/s3-writer';
import type { Storage } from '../../src/storage/types';
import { startVersitygw, versitygwMissing, type Versitygw } from '../helpers/versitygw';

interface Backend {
  storage: Storage;
  /** Everything the backend holds: objects, and whatever a write left (partial files, multipart uploads as "upload:<key>"). */
  everything(): Promise<string[]>;
  close(): Promise<void>;
}

const s3Missing = versitygwMissing();
let gateway: Versitygw | undefined;
beforeAll(async () => {
  if (!s3Missing) gateway = await startVersitygw();
}, 60_000);
afterAll(async () => gateway?.stop());

async function localBackend(): Promise<Backend> {
  const root = await mkdtemp(join(tmpdir(), 'storage-backends-'));
  return {
    storage: createLocalStorage(root),
    async everything() {
      const entries = await readdir(root, { recursive: true, withFileTypes: true });
      return entries
        .filter((e) => e.isFile())
        .map((e) => join(e.parentPath, e.name).slice(root.length + 1))
        .sort();
    },
    close: () => rm(root, { recursive: true, force: true }),
  };
}

async function s3Backend(): Promise<Backend> {
  const s3 = gateway!;
  // A prefix per test: one server, no test sees another's objects.
  const prefix = `t-${randomBytes(4).toString('hex')}/data`;
  const storage = createS3Storage(s3.settings(prefix));
  return {
    storage,
    async everything() {
      const objects = await s3.client.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: `${prefix}/` }));
      const uploads = await s3.client.send(new ListMultipartUploadsCommand({ Bucket: s3.bucket, Prefix: `${prefix}/` }));
      const strip = (key: string) => key.slice(prefix.length + 1);
      return [
        ...(objects.Contents ?? []).map((o) => strip(o.Key!)),
        ...(uploads.Uploads ?? []).map((u) => `upload:${strip(u.Key!)}`),
      ].sort();
    },
    close: async () => undefined,
  };
}

const sha = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const text = async (storage: Storage, key: string) => Buffer.concat(await storage.read(key).toArray()).toString('utf8');

describe.each([
  { name: 'local', make: localBackend, skip: false },
  { name: 's3 (versitygw)', make: s3Backend, skip: s3Missing },
])('$name storage', ({ make, skip }) => {
  let backend: Backend;
  let storage: Storage;
  beforeEach(async (context) => {
    if (skip) return context.skip();
    backend = await make();
    storage = backend.storage;
  });
  afterEach(async () => backend?.close());

  describe('put', () => {
    it('streams into the key, returning size and SHA-256, and reads back the same bytes', async () => {
      const chunks = Array.from({ length: 50 }, (_, i) => Buffer.alloc(10_000, i));
      const stored = await storage.put('runs/r1/file.bin', Readable.from(chunks));
      const whole = Buffer.concat(chunks);
      expect(stored).toEqual({ key: 'runs/r1/file.bin', bytes: whole.length, sha256: sha(whole) });
      expect(Buffer.concat(await storage.read('runs/r1/file.bin').toArray()).equals(whole)).toBe(true);
      expect(await storage.stat('runs/r1/file.bin')).toMatchObject({ key: 'runs/r1/file.bin', bytes: whole.length });
      expect(await storage.exists('runs/r1/file.bin')).toBe(true);
      expect(await storage.sha256('runs/r1/file.bin')).toBe(sha(whole));
      expect(await backend.everything()).toEqual(['runs/r1/file.bin']);
    });

    it('stores an empty object', async () => {
      expect(await storage.put('empty.txt', [])).toEqual({ key: 'empty.txt', bytes: 0, sha256: sha('') });
      expect(await storage.stat('empty.txt')).toMatchObject({ bytes: 0 });
      expect(await text(storage, 'empty.txt')).toBe('');
    });

    it('reports a missing key as absent, and fails reading it', async () => {
      expect(await storage.stat('nope/x')).toBeNull();
      expect(await storage.exists('nope/x')).toBe(false);
      expect(await storage.sha256('nope/x')).toBeNull();
      await expect(storage.read('nope/x').toArray()).rejects.toThrow();
    });

    it('publishes when the expected hash matches, in any case', async () => {
      const stored = await storage.put('a.txt', ['hello'], { expectedSha256: sha('hello').toUpperCase() });
      expect(stored.sha256).toBe(sha('hello'));
      expect(await storage.sha256('a.txt')).toBe(sha('hello'));
    });

    it('publishes nothing when the hash of a multi-part object does not match, and keeps the old object', async () => {
      await storage.put('a.bin', ['old']);
      const data = randomBytes(2 * PART_BYTES + 1234);
      const error = await storage.put('a.bin', [data], { expectedSha256: sha('something else') }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(HashMismatchError);
      expect((error as HashMismatchError).actual).toBe(sha(data));
      expect(await text(storage, 'a.bin')).toBe('old');
      expect(await backend.everything()).toEqual(['a.bin']);
    });

    it('leaves nothing behind when the source fails after several parts', async () => {
      async function* failing() {
        for (let i = 0; i < 3; i++) yield randomBytes(PART_BYTES);
        throw new Error('source broke');
      }
      await expect(storage.put('dir/b.bin', failing())).rejects.toThrow('source broke');
      expect(await storage.exists('dir/b.bin')).toBe(false);
      expect(await backend.everything()).toEqual([]);
    });

    it('never shows a reader a partial object while a write is in progress', async () => {
      await storage.put('c.txt', ['previous']);
      const source = new PassThrough();
      const writing = storage.put('c.txt', source);
      source.write('first half ');
      await new Promise((r) => setTimeout(r, 50));
      expect(await text(storage, 'c.txt')).toBe('previous');
      source.end('second half');
      await writing;
      expect(await text(storage, 'c.txt')).toBe('first half second half');
    });

    it('stops and cleans up when aborted', async () => {
      const source = new PassThrough();
      const controller = new AbortController();
      const writing = storage.put('d.bin', source, { signal: controller.signal });
      source.write(randomBytes(PART_BYTES + 1));
      await new Promise((r) => setTimeout(r, 200));
      controller.abort();
      await expect(writing).rejects.toThrow(/abort/i);
      expect(await backend.everything()).toEqual([]);
    });

    it('reports progress in bytes', async () => {
      const seen: number[] = [];
      await storage.put('e.bin', [Buffer.alloc(10), Buffer.alloc(20)], { onProgress: (b) => seen.push(b) });
      expect(seen.at(-1)).toBe(30);
    });
  });

  describe('create (pushed writes)', () => {
    it('copies each lent chunk, so the producer may reuse its buffer at once', async () => {
      const writer = await storage.create('lent/f.bin');
      const lent = Buffer.alloc(1000);
      const expected: Buffer[] = [];
      for (let i = 0; i < 20; i++) {
        lent.fill(i);
        expected.push(Buffer.from(lent));
        writer.write(lent);
      }
      expect(writer.bytes).toBe(20_000);
      const whole = Buffer.concat(expected);
      expect(await writer.commit()).toEqual({ key: 'lent/f.bin', bytes: whole.length, sha256: sha(whole) });
      expect(Buffer.concat(await storage.read('lent/f.bin').toArray()).equals(whole)).toBe(true);
    });

    it('asks the producer to wait, and keeps every byte in order across parts', async () => {
      const data = randomBytes(3 * PART_BYTES + 54_321);
      const writer = await storage.create('big.bin', { expectedSha256: sha(data) });
      let waited = 0;
      for (let offset = 0; offset < data.length; offset += 100_003) {
        if (!writer.write(data.subarray(offset, offset + 100_003))) {
          waited++;
          await writer.drained();
        }
      }
      expect(waited).toBeGreaterThan(0);
      expect(await writer.commit()).toEqual({ key: 'big.bin', bytes: data.length, sha256: sha(data) });
      expect(Buffer.concat(await storage.read('big.bin').toArray()).equals(data)).toBe(true);
      expect(await storage.sha256('big.bin')).toBe(sha(data));
      expect(await backend.everything()).toEqual(['big.bin']);
    });

    it('lets the producer read straight into its memory, mixed with copied writes, keeping every byte in order', async () => {
      const data = randomBytes(2 * PART_BYTES + 54_321);
      const writer = await storage.create('lent-memory.bin', { expectedSha256: sha(data) });
      let offset = 0;
      for (let turn = 0; offset < data.length; turn++) {
        let more: boolean;
        if (turn % 5 === 4) {
          more = writer.write(data.subarray(offset, offset + 10_007));
          offset += Math.min(10_007, data.length - offset);
        } else {
          const region = writer.lend!();
          expect(region.length).toBeGreaterThanOrEqual(64 * 1024);
          // Like a socket read: fills some of what it was offered, never more.
          const n = Math.min(region.length, 200_000 + (turn % 7) * 50_000, data.length - offset);
          region.set(data.subarray(offset, offset + n));
          more = writer.filled!(n);
          offset += n;
        }
        if (!more) await writer.drained();
      }
      expect(() => writer.filled!(writer.lend!().length + 1)).toThrow(RangeError);
      expect(await writer.commit()).toEqual({ key: 'lent-memory.bin', bytes: data.length, sha256: sha(data) });
      expect(Buffer.concat(await storage.read('lent-memory.bin').toArray()).equals(data)).toBe(true);
      expect(() => writer.lend!()).toThrow(/finished/);
    });

    it('shows nothing under the key until commit, and nothing at all after abort', async () => {
      await storage.put('g.bin', ['previous']);
      const writer = await storage.create('g.bin');
      writer.write(randomBytes(PART_BYTES + 10));
      await writer.drained();
      expect(await text(storage, 'g.bin')).toBe('previous');
      await writer.abort();
      await writer.abort();
      expect(await backend.everything()).toEqual(['g.bin']);
      expect(await text(storage, 'g.bin')).toBe('previous');
      expect(() => writer.write(Buffer.from('late'))).toThrow(/finished/);
    });

    it('publishes nothing when commit finds the wrong hash', async () => {
      const writer = await storage.create('h.bin', { expectedSha256: sha('expected') });
      writer.write(Buffer.from('actual'));
      await expect(writer.commit()).rejects.toBeInstanceOf(HashMismatchError);
      await writer.abort();
      expect(await backend.everything()).toEqual([]);
    });

    it('refuses a bad key before creating anything', async () => {
      await expect(storage.create('../x')).rejects.toBeInstanceOf(InvalidStorageKeyError);
      expect(await backend.everything()).toEqual([]);
    });
  });

  it.each([
    ['', /non-empty/],
    ['../escape', /"\.\." segment/],
    ['a/../../b', /"\.\." segment/],
    ['/etc/passwd', /absolute/],
    ['a\\b', /backslash/],
    ['a\0b', /NUL/],
    ['a//b', /empty segment/],
    ['a/', /empty segment/],
    ['./a', /"\." segment/],
    ['C:/x', /drive letter/],
    ['.x.partial', /partial files/],
  ])('refuses the key %j, naming the problem', async (key, problem) => {
    const error = await storage.put(key, ['x']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidStorageKeyError);
    expect((error as Error).message).toMatch(problem);
    await expect(storage.stat(key)).rejects.toBeInstanceOf(InvalidStorageKeyError);
    expect(() => storage.read(key)).toThrow(InvalidStorageKeyError);
    expect(await backend.everything()).toEqual([]);
  });

  it('removes an object, is a no-op for a missing key, and refuses a bad key', async () => {
    await storage.put('runs/r1/.part-1', ['staged']);
    await storage.put('runs/r1/kept', ['kept']);
    await storage.remove('runs/r1/.part-1');
    await storage.remove('runs/r1/.part-1');
    expect(await backend.everything()).toEqual(['runs/r1/kept']);
    await expect(storage.remove('../x')).rejects.toBeInstanceOf(InvalidStorageKeyError);
  });

  it('sweeps only leftovers older than asked, and refuses an age a live writer could reach', async () => {
    await storage.put('runs/r1/.accounts.page-1.part', ['staged']);
    await expect(storage.sweep!(1_000)).rejects.toThrow(RangeError);
    expect(await storage.sweep!(60 * 60_000, (name) => name.endsWith('.part'))).toEqual([]);
    expect(await backend.everything()).toEqual(['runs/r1/.accounts.page-1.part']);
  });
});
