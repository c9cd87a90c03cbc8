// Pushes bytes into an open file through a SHA-256 hash. Each chunk is hashed and copied into one of a
// few reusable 4 MB buffers the moment it arrives, so the producer may reuse its own memory straight
// away (the PDF download reads every socket read into one buffer, like curl); full buffers go to disk
// as single writes on the thread pool while the next one fills. Reusing the same few buffers matters
// on a VM: allocating fresh memory for every chunk cost more in page faults than the hash did.
import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import type { ByteSink } from './types';

export const BUFFER_BYTES = 4 * 1024 * 1024;
/** Buffers queued for disk before write() asks the producer to wait. */
const QUEUED_BUFFERS = 2;
// Flushing to disk as the data goes keeps the final fsync (before the rename) short: it otherwise
// writes back the whole file at the end while nothing else happens.
const SYNC_BYTES = 32 * 1024 * 1024;

export interface Written {
  bytes: number;
  sha256: string;
}

export class HashedFileWriter implements ByteSink {
  #hash = createHash('sha256');
  #bytes = 0;
  #current: Buffer | null = null;
  #fill = 0;
  #spare: Buffer[] = [];
  #queued = 0;
  #writing: Promise<void> = Promise.resolve();
  #syncing: Promise<void> | null = null;
  #unsynced = 0;
  #failure: unknown = null;
  #waiters: (() => void)[] = [];
  #closed = false;

  constructor(
    private readonly file: FileHandle,
    private readonly onProgress?: (bytesWritten: number) => void,
  ) {}

  get bytes(): number {
    return this.#bytes;
  }

  /** Hashes and copies `chunk` (the caller keeps ownership); false means wait for drained(). */
  write(chunk: Uint8Array): boolean {
    if (this.#failure) throw this.#failure;
    if (this.#closed) throw new Error('write after the object was finished');
    this.#hash.update(chunk);
    this.#bytes += chunk.length;
    let offset = 0;
    while (offset < chunk.length) {
      const current = (this.#current ??= this.#spare.pop() ?? Buffer.allocUnsafeSlow(BUFFER_BYTES));
      const n = Math.min(chunk.length - offset, current.length - this.#fill);
      current.set(n === chunk.length ? chunk : chunk.subarray(offset, offset + n), this.#fill);
      this.#fill += n;
      offset += n;
      if (this.#fill === current.length) this.#flush();
    }
    return this.#queued < QUEUED_BUFFERS;
  }

  /** Resolves once the disk has caught up enough to take more; rejects if a write failed. */
  drained(): Promise<void> {
    if (this.#failure) return Promise.reject(this.#failure);
    if (this.#queued < QUEUED_BUFFERS) return Promise.resolve();
    return new Promise<void>((resolve) => this.#waiters.push(resolve)).then(() => {
      if (this.#failure) throw this.#failure;
    });
  }

  /** Writes what is left and waits for every write and sync; the file is then complete on disk. */
  async finish(): Promise<Written> {
    this.#closed = true;
    this.#flush();
    await this.settle();
    if (this.#failure) throw this.#failure;
    await this.file.sync();
    return { bytes: this.#bytes, sha256: this.#hash.digest('hex') };
  }

  /** Waits for anything still running against the file, so it can be closed and removed. */
  async settle(): Promise<void> {
    this.#closed = true;
    await this.#writing;
    await this.#syncing;
  }

  #flush(): void {
    const buffer = this.#current;
    const length = this.#fill;
    this.#current = null;
    this.#fill = 0;
    if (!buffer || length === 0) {
      if (buffer) this.#spare.push(buffer);
      return;
    }
    this.#queued++;
    this.#writing = this.#writing.then(async () => {
      try {
        if (!this.#failure) await writeFully(this.file, buffer.subarray(0, length));
        this.#unsynced += length;
        if (this.#unsynced >= SYNC_BYTES && !this.#syncing && !this.#failure) this.#startSync();
      } catch (error) {
        this.#failure ??= error;
      } finally {
        this.#queued--;
        this.#spare.push(buffer);
        if (!this.#failure) this.onProgress?.(this.#bytes);
        for (const wake of this.#waiters.splice(0)) wake();
      }
    });
  }

  #startSync(): void {
    this.#unsynced = 0;
    // Linux reports a writeback error to one fsync only, so a failure here must fail the object.
    this.#syncing = this.file.datasync().then(
      () => void (this.#syncing = null),
      (error: unknown) => void ((this.#failure ??= error), (this.#syncing = null)),
    );
  }
}

/** write may write less than asked (a full disk shows up as a short write first); finish or fail. */
async function writeFully(file: FileHandle, data: Buffer): Promise<void> {
  let written = 0;
  while (written < data.length) {
    const { bytesWritten } = await file.write(data, written, data.length - written);
    if (bytesWritten === 0) throw new Error(`short write: ${written} of ${data.length} bytes`);
    written += bytesWritten;
  }
}
