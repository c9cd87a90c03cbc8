// Storage in a local directory. Writes stream through a SHA-256 hash into a temporary file beside the
// target, are fsynced, then renamed over it: rename is atomic within a directory, so a reader sees the
// old file or the new one, never a partial one. Any failure removes the temporary file.
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { HashMismatchError, InvalidStorageKeyError } from './errors';
import { writeHashed, type Written } from './file-writer';
import { checkKey } from './keys';
import type { ObjectInfo, PutOptions, PutSource, Storage, StoredObject } from './types';

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
    put: async (key, source, options = {}) => writeAtomically(key, pathOf(key), source, options),

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

    locate: (key) => pathOf(key),
  };
}

async function writeAtomically(key: string, target: string, source: PutSource, options: PutOptions): Promise<StoredObject> {
  const dir = dirname(target);
  await mkdir(dir, { recursive: true });
  const temp = join(dir, `.${basename(target)}.${randomUUID()}.partial`);
  try {
    const file = await open(temp, 'wx');
    let written: Written;
    try {
      written = await writeHashed(file, source, options);
      // The bytes are on disk before the rename publishes them.
      await file.sync();
    } finally {
      await file.close();
    }
    const { bytes, sha256 } = written;
    const expected = options.expectedSha256?.toLowerCase();
    if (expected && expected !== sha256) throw new HashMismatchError(key, expected, sha256, bytes);
    await rename(temp, target);
    await syncDirectory(dir);
    return { key, bytes, sha256 };
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
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
