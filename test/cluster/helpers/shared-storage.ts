// The one place that decides which storage the cluster's worker processes share. Today: one local
// folder, given to every worker as STORAGE_DIR. To run the cluster test on S3 (versitygw), return the
// workers' STORAGE_URL here, an S3 Storage for `storage`, and a listing of the bucket for `listKeys`;
// nothing else in test/cluster changes.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { createLocalStorage } from '../../../src/storage/local';
import type { Storage } from '../../../src/storage/types';

export interface SharedStorage {
  /** What each worker process gets in its environment to use this storage. */
  workerEnv: Record<string, string>;
  /** The same storage, as the project's code reads it (sha256, read, stat). */
  storage: Storage;
  /** Every key in the storage, partial and hidden files included (they are what "nothing left behind" looks for). */
  listKeys(): Promise<string[]>;
  close(): Promise<void>;
}

export async function startSharedStorage(): Promise<SharedStorage> {
  const dir = await mkdtemp(join(tmpdir(), 'mx-cluster-storage-'));
  return {
    workerEnv: { STORAGE_DIR: dir },
    storage: createLocalStorage(dir),
    async listKeys() {
      const entries = await readdir(dir, { recursive: true, withFileTypes: true });
      return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join('/'));
    },
    close: () => rm(dir, { recursive: true, force: true }),
  };
}
