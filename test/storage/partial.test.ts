// The partial file's rules, on a real directory: one name per key so a retry finds it; resume from
// what an earlier attempt left; never take over a file a live attempt still writes; never publish
// after losing the lease; sweep only old partial files.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidStorageKeyError, LeaseLostError, ObjectBusyError } from '../../src/storage/errors';
import { createLocalStorage } from '../../src/storage/local';
import { LEASE_STALE_MS } from '../../src/storage/partial';
import { MIN_SWEEP_AGE_MS, sweepPartials } from '../../src/storage/sweep';
import { isExportPartName } from '../../activities/export';
import type { Storage } from '../../src/storage/types';

let root: string;
let storage: Storage;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'partial-test-'));
  storage = createLocalStorage(root);
});
afterEach(() => rm(root, { recursive: true, force: true }));

const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const partialOf = (dir: string, name: string) => join(root, dir, `.${name}.partial`);

async function allFiles(): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(root.length + 1))
    .sort();
}

/** What a crashed writer leaves: its partial file, last touched `ageMs` ago. */
async function leftBehind(dir: string, name: string, data: Buffer, ageMs = LEASE_STALE_MS + 1_000): Promise<string> {
  await mkdir(join(root, dir), { recursive: true });
  const path = partialOf(dir, name);
  await writeFile(path, data);
  const then = new Date(Date.now() - ageMs);
  await utimes(path, then, then);
  return path;
}

describe('resume', () => {
  const data = randomBytes(3 * 1024 * 1024 + 777);

  it('a released writer leaves its bytes under the key’s one partial name, and a resumed writer continues after them', async () => {
    const first = await storage.create('s/a.pdf', { expectedSha256: sha(data) });
    first.write(data.subarray(0, 1_000_000));
    await first.release!();
    expect(await allFiles()).toEqual(['s/.a.pdf.partial']);

    // Released, not crashed: the retry need not wait for the lease to go stale.
    const started = Date.now();
    const retry = await storage.create('s/a.pdf', { expectedSha256: sha(data), resume: true });
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(retry.bytes).toBe(1_000_000);
    retry.write(data.subarray(1_000_000));
    expect(await retry.commit()).toEqual({ key: 's/a.pdf', bytes: data.length, sha256: sha(data) });
    expect((await readFile(join(root, 's/a.pdf'))).equals(data)).toBe(true);
    expect(await allFiles()).toEqual(['s/a.pdf']);
  });

  it('restart() drops the resumed bytes (the server ignored Range) and the file holds only the new ones', async () => {
    await leftBehind('s', 'c.pdf', Buffer.alloc(4_000_000, 0x78));
    const retry = await storage.create('s/c.pdf', { resume: true });
    expect(retry.bytes).toBe(4_000_000);
    retry.restart!();
    expect(retry.bytes).toBe(0);
    const whole = data.subarray(0, 1_234_567);
    retry.write(whole);
    expect(() => retry.restart!()).toThrow(/after bytes were written/);
    expect((await retry.commit()).sha256).toBe(sha(whole));
    expect((await readFile(join(root, 's/c.pdf'))).equals(whole)).toBe(true);
  });

  it('without resume, what an earlier attempt left is overwritten, and no second file appears', async () => {
    await leftBehind('runs/r1', 'accounts.ndjson', Buffer.alloc(100_000, 0x61));
    await storage.put('runs/r1/accounts.ndjson', ['{"a":1}\n']);
    expect(await readFile(join(root, 'runs/r1/accounts.ndjson'), 'utf8')).toBe('{"a":1}\n');
    expect(await allFiles()).toEqual(['runs/r1/accounts.ndjson']);
  });

  it('drops the partial when the bytes hash wrong: they are not worth resuming', async () => {
    await leftBehind('s', 'd.pdf', Buffer.alloc(1000, 0x78));
    const retry = await storage.create('s/d.pdf', { expectedSha256: sha(data), resume: true });
    retry.write(data.subarray(1000));
    await expect(retry.commit()).rejects.toThrow(/expected/);
    expect(await allFiles()).toEqual([]);
  });

  it('reports written bytes, and durable ones as fsyncs cover them, never more than were taken', async () => {
    const seen: [number, number, number][] = [];
    const writer = await storage.create('big.bin', { onProgress: (bytes, saved) => seen.push([bytes, saved.written, saved.durable]) });
    const chunk = Buffer.alloc(4 * 1024 * 1024, 1);
    for (let i = 0; i < 12; i++) {
      if (!writer.write(chunk)) await writer.drained();
      // Time for the background fsync (started after 32 MB) to finish before the next buffers go out.
      if (i === 9) await new Promise((r) => setTimeout(r, 300));
    }
    await writer.commit();
    expect(seen.every(([bytes, written, durable]) => durable <= written && written <= bytes)).toBe(true);
    expect(Math.max(...seen.map(([, , durable]) => durable))).toBeGreaterThanOrEqual(32 * 1024 * 1024);
    expect(writer.durableBytes).toBe(12 * chunk.length);
  });
});

describe('two attempts on one key', () => {
  it('a second writer waits while the first holds the partial, and starts afresh once it is published', async () => {
    const first = await storage.create('k/e.bin');
    first.write(Buffer.from('first'));
    const second = storage.create('k/e.bin', { resume: true });
    await new Promise((r) => setTimeout(r, 600));
    expect((await readFile(partialOf('k', 'e.bin'))).length).toBe(0); // the second did not touch it
    await first.commit();
    const writer = await second;
    expect(writer.bytes).toBe(0);
    writer.write(Buffer.from('second'));
    await writer.commit();
    expect(await readFile(join(root, 'k/e.bin'), 'utf8')).toBe('second');
    expect(await allFiles()).toEqual(['k/e.bin']);
  });

  it('gives up on a partial that stays fresh, with ObjectBusyError, and stops waiting when cancelled', async () => {
    const live = await storage.create('k/f.bin');
    const controller = new AbortController();
    const waiting = storage.create('k/f.bin', { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('cancelled')), 300);
    await expect(waiting).rejects.toThrow(/cancelled/);
    // The live writer's lease keeps its file fresh for as long as it waits.
    const busy = await storage.create('k/f.bin').catch((e: unknown) => e);
    expect(busy).toBeInstanceOf(ObjectBusyError);
    expect((busy as Error).message).toMatch(/k\/f\.bin is being written by another attempt/);
    live.write(Buffer.from('mine'));
    await live.commit();
    expect(await readFile(join(root, 'k/f.bin'), 'utf8')).toBe('mine');
  }, 30_000);

  it('a writer that stalled past its lease does not publish: another attempt may own the file now', async () => {
    const writer = await storage.create('k/g.bin');
    writer.write(Buffer.from('zombie'));
    // The whole process stalls (no timer runs, the lease is not touched), as a frozen VM would.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, LEASE_STALE_MS);
    await expect(writer.commit()).rejects.toBeInstanceOf(LeaseLostError);
    expect(await storage.exists('k/g.bin')).toBe(false);
  }, 20_000);
});

describe('sweep', () => {
  it('removes only partial files older than the age given, recursively', async () => {
    await leftBehind('a/b', 'old.pdf', Buffer.alloc(10), 2 * 3_600_000);
    await leftBehind('a', 'old-random.ndjson.3f2a', Buffer.alloc(10), 2 * 3_600_000); // the former per-attempt names
    await leftBehind('a', 'recent.pdf', Buffer.alloc(10), 10 * 60_000);
    await writeFile(join(root, 'a/b/kept.pdf'), 'published');
    await writeFile(join(root, 'a/.hidden'), 'not ours');
    await writeFile(join(root, 'a/x.partial'), 'not ours either');
    const then = new Date(Date.now() - 2 * 3_600_000);
    for (const f of ['a/b/kept.pdf', 'a/.hidden', 'a/x.partial']) await utimes(join(root, f), then, then);
    const live = await storage.create('a/live.pdf');

    expect((await storage.sweep!(3_600_000)).sort()).toEqual(['a/.old-random.ndjson.3f2a.partial', 'a/b/.old.pdf.partial']);
    expect(await allFiles()).toEqual(['a/.hidden', 'a/.live.pdf.partial', 'a/.recent.pdf.partial', 'a/b/kept.pdf', 'a/x.partial']);
    await live.abort();
  });

  it("with a name rule, removes only old files of those names (an abandoned export's staging parts)", async () => {
    await mkdir(join(root, 'x/run'), { recursive: true });
    const old = new Date(Date.now() - 4 * 3_600_000);
    for (const name of ['.accounts.page-1.part', '.transactions.account-0.page-3.part', 'accounts.ndjson', '.notes.part']) {
      await writeFile(join(root, 'x/run', name), 'x');
      await utimes(join(root, 'x/run', name), old, old);
    }
    await writeFile(join(root, 'x/run/.transactions.account-1.page-1.part'), 'a live export');

    expect((await storage.sweep!(3 * 3_600_000, isExportPartName)).sort()).toEqual([
      'x/run/.accounts.page-1.part',
      'x/run/.transactions.account-0.page-3.part',
    ]);
    expect(await allFiles()).toEqual(['x/run/.notes.part', 'x/run/.transactions.account-1.page-1.part', 'x/run/accounts.ndjson']);
  });

  it('refuses an age short enough to race a retry about to resume', async () => {
    await expect(sweepPartials(root, 1_000)).rejects.toThrow(`olderThanMs must be at least ${MIN_SWEEP_AGE_MS} ms`);
  });

  it('a key can never be named like a partial file', async () => {
    await expect(storage.put('a/.b.pdf.partial', ['x'])).rejects.toBeInstanceOf(InvalidStorageKeyError);
  });
});
