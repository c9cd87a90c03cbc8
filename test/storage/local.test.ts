import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { BUFFER_BYTES, MIN_LEND_BYTES, WRITE_SLICE_BYTES } from '../../src/storage/file-writer';
import { createLocalStorage } from '../../src/storage/local';
import { HashMismatchError, InvalidStorageKeyError } from '../../src/storage/errors';
import type { Storage } from '../../src/storage/types';

let root: string;
let storage: Storage;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'storage-test-'));
  storage = createLocalStorage(root);
});
afterEach(() => rm(root, { recursive: true, force: true }));

const sha = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/** Every file under root, temp files included. */
async function allFiles(): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(root.length + 1))
    .sort();
}

describe('put', () => {
  it('streams into the key, returning size and SHA-256', async () => {
    const chunks = Array.from({ length: 50 }, (_, i) => Buffer.alloc(10_000, i));
    const stored = await storage.put('runs/r1/file.bin', Readable.from(chunks));
    const whole = Buffer.concat(chunks);
    expect(stored).toEqual({ key: 'runs/r1/file.bin', bytes: whole.length, sha256: sha(whole) });
    expect((await readFile(join(root, 'runs/r1/file.bin'))).equals(whole)).toBe(true);
    expect(await storage.stat('runs/r1/file.bin')).toMatchObject({ bytes: whole.length });
    expect(await storage.exists('runs/r1/file.bin')).toBe(true);
    expect(await storage.sha256('runs/r1/file.bin')).toBe(sha(whole));
    expect(await allFiles()).toEqual(['runs/r1/file.bin']);
  });

  it('reports a missing key as absent', async () => {
    expect(await storage.stat('nope/x')).toBeNull();
    expect(await storage.exists('nope/x')).toBe(false);
    expect(await storage.sha256('nope/x')).toBeNull();
  });

  it('publishes when the expected hash matches, in any case', async () => {
    const stored = await storage.put('a.txt', ['hello'], { expectedSha256: sha('hello').toUpperCase() });
    expect(stored.sha256).toBe(sha('hello'));
  });

  it('publishes nothing when the hash does not match, and keeps the old object', async () => {
    await storage.put('a.txt', ['old']);
    const error = await storage.put('a.txt', ['new'], { expectedSha256: sha('something else') }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HashMismatchError);
    expect((error as HashMismatchError).actual).toBe(sha('new'));
    expect(await readFile(join(root, 'a.txt'), 'utf8')).toBe('old');
    expect(await allFiles()).toEqual(['a.txt']);
  });

  it('leaves nothing behind when the source fails mid-way', async () => {
    async function* failing() {
      yield Buffer.alloc(100_000, 1);
      throw new Error('source broke');
    }
    await expect(storage.put('dir/b.bin', failing())).rejects.toThrow('source broke');
    expect(await storage.exists('dir/b.bin')).toBe(false);
    expect(await allFiles()).toEqual([]);
  });

  it('never shows a reader a partial object while a write is in progress', async () => {
    await writeFile(join(root, 'c.txt'), 'previous');
    const source = new PassThrough();
    const writing = storage.put('c.txt', source);
    source.write('first half ');
    await new Promise((r) => setTimeout(r, 50));
    expect(await readFile(join(root, 'c.txt'), 'utf8')).toBe('previous');
    source.end('second half');
    await writing;
    expect(await readFile(join(root, 'c.txt'), 'utf8')).toBe('first half second half');
  });

  it('stops and cleans up when aborted', async () => {
    const source = new PassThrough();
    const controller = new AbortController();
    const writing = storage.put('d.bin', source, { signal: controller.signal });
    source.write(Buffer.alloc(1000));
    await new Promise((r) => setTimeout(r, 20));
    controller.abort();
    await expect(writing).rejects.toThrow(/abort/i);
    expect(await allFiles()).toEqual([]);
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
    const stored = await writer.commit();
    const whole = Buffer.concat(expected);
    expect(stored).toEqual({ key: 'lent/f.bin', bytes: whole.length, sha256: sha(whole) });
    expect(await readFile(join(root, 'lent/f.bin'))).toEqual(whole);
  });

  it('asks the producer to wait while the disk catches up, and keeps every byte', async () => {
    const writer = await storage.create('big.bin');
    const chunk = Buffer.alloc(3 * 1024 * 1024);
    const whole = createHash('sha256');
    let waited = 0;
    for (let i = 0; i < 12; i++) {
      chunk.fill(i);
      whole.update(chunk);
      // A chunk bigger than what is left of a buffer spans two of them.
      if (!writer.write(chunk)) {
        waited++;
        await writer.drained();
      }
    }
    expect(waited).toBeGreaterThan(0);
    const stored = await writer.commit();
    expect(stored.bytes).toBe(12 * chunk.length);
    expect(stored.sha256).toBe(whole.digest('hex'));
    expect(await storage.sha256('big.bin')).toBe(stored.sha256);
  });

  it('puts every byte at its offset when buffers are written in parallel slices', async () => {
    // Random bytes, so a slice written at the wrong offset cannot go unnoticed; a size that is no
    // multiple of the buffer or the slice, sent in odd-sized chunks.
    const data = randomBytes(2 * BUFFER_BYTES + 3 * WRITE_SLICE_BYTES + 12_345);
    const writer = await storage.create('slices.bin');
    for (let offset = 0; offset < data.length; offset += 100_003) {
      if (!writer.write(data.subarray(offset, offset + 100_003))) await writer.drained();
    }
    const stored = await writer.commit();
    expect(stored).toEqual({ key: 'slices.bin', bytes: data.length, sha256: sha(data) });
    expect((await readFile(join(root, 'slices.bin'))).equals(data)).toBe(true);
  });

  it('lets the producer read straight into its memory, mixed with copied writes, and keeps every byte in order', async () => {
    const data = randomBytes(3 * BUFFER_BYTES + 54_321);
    const writer = await storage.create('lent-memory.bin');
    let offset = 0;
    let turn = 0;
    while (offset < data.length) {
      let more: boolean;
      if (turn++ % 5 === 4) {
        more = writer.write(data.subarray(offset, offset + 10_007));
        offset += Math.min(10_007, data.length - offset);
      } else {
        const region = writer.lend!();
        expect(region.length).toBeGreaterThanOrEqual(MIN_LEND_BYTES);
        // Like a socket read: fills some of what it was offered, never more.
        const n = Math.min(region.length, 200_000 + (turn % 7) * 50_000, data.length - offset);
        region.set(data.subarray(offset, offset + n));
        more = writer.filled!(n);
        offset += n;
      }
      if (!more) await writer.drained();
    }
    expect(() => writer.filled!(writer.lend!().length + 1)).toThrow(RangeError);
    const stored = await writer.commit();
    expect(stored).toEqual({ key: 'lent-memory.bin', bytes: data.length, sha256: sha(data) });
    expect((await readFile(join(root, 'lent-memory.bin'))).equals(data)).toBe(true);
    expect(() => writer.lend!()).toThrow(/finished/);
  });

  it('shows nothing under the key until commit, and nothing at all after abort', async () => {
    await writeFile(join(root, 'g.txt'), 'previous');
    const writer = await storage.create('g.txt');
    writer.write(Buffer.from('new content'));
    expect(await readFile(join(root, 'g.txt'), 'utf8')).toBe('previous');
    await writer.abort();
    await writer.abort();
    expect(await allFiles()).toEqual(['g.txt']);
    expect(await readFile(join(root, 'g.txt'), 'utf8')).toBe('previous');
    expect(() => writer.write(Buffer.from('late'))).toThrow(/finished/);
  });

  it('publishes nothing when commit finds the wrong hash', async () => {
    const writer = await storage.create('h.bin', { expectedSha256: sha('expected') });
    writer.write(Buffer.from('actual'));
    await expect(writer.commit()).rejects.toBeInstanceOf(HashMismatchError);
    await writer.abort();
    expect(await allFiles()).toEqual([]);
  });

  it('refuses a bad key before creating anything', async () => {
    await expect(storage.create('../x')).rejects.toBeInstanceOf(InvalidStorageKeyError);
    expect(await allFiles()).toEqual([]);
  });
});

describe('keys', () => {
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
  ])('refuses %j', async (key, problem) => {
    const error = await storage.put(key, ['x']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidStorageKeyError);
    expect((error as Error).message).toMatch(problem);
    await expect(storage.stat(key)).rejects.toBeInstanceOf(InvalidStorageKeyError);
    expect(await allFiles()).toEqual([]);
  });
});

describe('remove', () => {
  it('deletes the object, is a no-op for a missing key, and refuses a bad key', async () => {
    await storage.put('runs/r1/.part-1', ['staged']);
    await storage.put('runs/r1/kept', ['kept']);
    await storage.remove('runs/r1/.part-1');
    await storage.remove('runs/r1/.part-1');
    expect(await allFiles()).toEqual(['runs/r1/kept']);
    await expect(storage.remove('../x')).rejects.toBeInstanceOf(InvalidStorageKeyError);
  });
});
