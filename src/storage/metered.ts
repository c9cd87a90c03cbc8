// A Storage that reports every object it publishes (key and bytes) to an observer, for metrics. It
// wraps any backend, so the backends stay free of metric calls; only a successful put or commit
// counts, never an aborted or failed write.
import type { ObjectWriter, Storage, StoredObject } from './types';

export type StoredObserver = (stored: StoredObject) => void;

export function meteredStorage(storage: Storage, observe: StoredObserver): Storage {
  const report = (stored: StoredObject) => {
    try {
      observe(stored);
    } catch {
      // Metrics must never fail a write that succeeded.
    }
    return stored;
  };
  return {
    put: async (key, source, options) => report(await storage.put(key, source, options)),
    create: async (key, options) => meteredWriter(await storage.create(key, options), report),
    stat: (key) => storage.stat(key),
    exists: (key) => storage.exists(key),
    sha256: (key) => storage.sha256(key),
    read: (key) => storage.read(key),
    remove: (key) => storage.remove(key),
    locate: (key) => storage.locate(key),
    ...(storage.sweep ? { sweep: storage.sweep.bind(storage) } : {}),
  };
}

/** The writer itself (its getters stay live), with commit() reporting what it published. */
function meteredWriter(writer: ObjectWriter, report: (stored: StoredObject) => StoredObject): ObjectWriter {
  const commit = writer.commit.bind(writer);
  return Object.assign(writer, { commit: async () => report(await commit()) });
}
