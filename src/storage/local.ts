// Storage in a local directory. Writes go through a SHA-256 hash into a partial file beside the
// target (one name per key, see partial.ts), are fsynced, then renamed over it: rename is atomic
// within a directory, so a reader sees the old file or the new one, never a partial one. A failure
// removes the partial file, unless the writer is released for a retry to resume from.
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { type FileHandle, mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { HashMismatchError, InvalidStorageKeyError, LeaseLostError } from './errors';
import { HashedFileWriter } from './file-writer';
import { checkKey } from './keys';
import { claimPartial, partialPathOf } from './partial';
import { putFromSource } from './put-source';
import { sweepPartials } from './sweep';
import type { CreateOptions, ObjectInfo, ObjectWriter, Storage } from './types';

export function createLocalStorage(rootDir: string): Storage {
  if (!rootDir) throw new TypeError('createLocalStorage: rootDir is required');
  const root = resolve(rootDir);

  const pathOf = (key: string): string => {
    const path = join(root, ...checkKey(key));
    // checkKey already refuses "..", this guards against anything it did not foresee.
    if (!path.startsWith(root + sep)) throw new InvalidStorageKeyError(key, 'resolves outside the storage root');
    return path;
  };

  return {
    async put(key, source, options = {}) {
      const { signal, ...rest } = options;
      signal?.throwIfAborted();
      return putFromSource(await createWriter(key, pathOf(key), { ...rest, signal }), source, signal);
    },

    create: async (key, options = {}) => createWriter(key, pathOf(key), options),

    async stat(key): Promise<ObjectInfo | null> {
      const info = await stat(pathOf(key)).catch(ignoreMissing);
      return info?.isFile() ? { key, bytes: info.size, modifiedAt: info.mtime } : null;
    },

    async exists(key) {
      return (await this.stat(key)) !== null;
    },

    async sha256(key) {
      const path = pathOf(key);
      if (!(await this.exists(key))) return null;
      const hash = createHash('sha256');
      await pipeline(createReadStream(path), hash);
      return hash.digest('hex');
    },

    read: (key): Readable => createReadStream(pathOf(key)),

    remove: async (key) => rm(pathOf(key), { force: true }),

    locate: (key) => pathOf(key),

    sweep: async (olderThanMs, matches) => (await sweepPartials(root, olderThanMs, matches)).removed,
  };
}

/**
 * An object written to its partial file beside the target and renamed over it by commit(). With
 * `resume`, the bytes an earlier attempt left there are re-hashed (a hash's state cannot be saved)
 * and kept; without it they are overwritten.
 */
async function createWriter(key: string, target: string, options: CreateOptions): Promise<ObjectWriter> {
  const dir = dirname(target);
  await mkdir(dir, { recursive: true });
  const temp = partialPathOf(target);
  const { file, existingBytes, lease } = await claimPartial(temp, key, options.signal);
  let writer: HashedFileWriter;
  try {
    const keep = options.resume ? existingBytes : 0;
    if (existingBytes > keep) await file.truncate(keep);
    writer = new HashedFileWriter(file, options.onProgress, keep > 0 ? { bytes: keep, hash: await hashPrefix(file, keep) } : undefined);
  } catch (error) {
    lease.release();
    await file.close().catch(() => undefined);
    throw error;
  }
  let state: 'open' | 'committing' | 'done' = 'open';
  const close = async () => {
    lease.release();
    await writer.settle();
    await file.close().catch(() => undefined);
  };
  const discard = async () => {
    await close();
    await rm(temp, { force: true });
  };
  return {
    key,
    get bytes() {
      return writer.bytes;
    },
    get durableBytes() {
      return writer.durableBytes;
    },
    write: (chunk) => writer.write(chunk),
    drained: () => writer.drained(),
    lend: () => writer.lend(),
    filled: (bytes) => writer.filled(bytes),
    restart: () => writer.restart(),
    async commit() {
      if (state !== 'open') throw new Error(`${key}: commit() called twice or after abort()`);
      state = 'committing';
      try {
        // The bytes are on disk before the rename publishes them.
        const { bytes, sha256 } = await writer.finish();
        const expected = options.expectedSha256?.toLowerCase();
        if (expected && expected !== sha256) throw new HashMismatchError(key, expected, sha256, bytes);
        if (lease.lost()) throw new LeaseLostError(key);
        await close();
        await rename(temp, target);
        await syncDirectory(dir);
        state = 'done';
        return { key, bytes, sha256 };
      } catch (error) {
        state = 'done';
        // Whatever failed, these bytes are not worth resuming (wrong hash) or not ours any more.
        if (!(error instanceof LeaseLostError)) await discard();
        else await close();
        throw error;
      }
    },
    async abort() {
      if (state === 'done') return;
      state = 'done';
      await discard();
    },
    async release() {
      if (state === 'done') return;
      state = 'done';
      await writer.suspend();
      await lease.giveUp();
      await close();
    },
  };
}

/** SHA-256 state over the first `bytes` of the file, to continue hashing after them. */
async function hashPrefix(file: FileHandle, bytes: number): Promise<Hash> {
  const hash = createHash('sha256');
  const buffer = Buffer.allocUnsafe(Math.min(bytes, 1024 * 1024));
  for (let position = 0; position < bytes;) {
    const { bytesRead } = await file.read(buffer, 0, Math.min(buffer.length, bytes - position), position);
    if (bytesRead === 0) throw new Error(`partial file ended at ${position} of ${bytes} bytes`);
    hash.update(buffer.subarray(0, bytesRead));
    position += bytesRead;
  }
  return hash;
}

/** Makes the rename itself durable across a crash. */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function ignoreMissing(error: NodeJS.ErrnoException): null {
  if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return null;
  throw error;
}
