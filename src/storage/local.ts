// Storage in a local directory. Writes go through a SHA-256 hash into a temporary file beside the
// target, are fsynced, then renamed over it: rename is atomic within a directory, so a reader sees the
// old file or the new one, never a partial one. Any failure removes the temporary file.
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { HashMismatchError, InvalidStorageKeyError } from './errors';
import { HashedFileWriter } from './file-writer';
import { checkKey } from './keys';
import { putFromSource } from './put-source';
import type { ObjectInfo, ObjectWriter, PutOptions, Storage } from './types';

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
      return putFromSource(await createWriter(key, pathOf(key), rest), source, signal);
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
  };
}

/** An object written to a temporary file beside its target and renamed over it by commit(). */
async function createWriter(key: string, target: string, options: Omit<PutOptions, 'signal'>): Promise<ObjectWriter> {
  const dir = dirname(target);
  await mkdir(dir, { recursive: true });
  const temp = join(dir, `.${basename(target)}.${randomUUID()}.partial`);
  const file = await open(temp, 'wx');
  const writer = new HashedFileWriter(file, options.onProgress);
  let state: 'open' | 'committing' | 'done' = 'open';
  const discard = async () => {
    await writer.settle();
    await file.close().catch(() => undefined);
    await rm(temp, { force: true });
  };
  return {
    key,
    get bytes() {
      return writer.bytes;
    },
    write: (chunk) => writer.write(chunk),
    drained: () => writer.drained(),
    lend: () => writer.lend(),
    filled: (bytes) => writer.filled(bytes),
    async commit() {
      if (state !== 'open') throw new Error(`${key}: commit() called twice or after abort()`);
      state = 'committing';
      try {
        // The bytes are on disk before the rename publishes them.
        const { bytes, sha256 } = await writer.finish();
        await file.close();
        const expected = options.expectedSha256?.toLowerCase();
        if (expected && expected !== sha256) throw new HashMismatchError(key, expected, sha256, bytes);
        await rename(temp, target);
        await syncDirectory(dir);
        state = 'done';
        return { key, bytes, sha256 };
      } catch (error) {
        state = 'done';
        await discard();
        throw error;
      }
    },
    async abort() {
      if (state === 'done') return;
      state = 'done';
      await discard();
    },
  };
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
