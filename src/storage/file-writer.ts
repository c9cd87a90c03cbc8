// Pushes bytes into an open file through a SHA-256 hash, into a few reusable buffers (up to 4 MB). A producer
// either lends chunks (write(): each is hashed and copied at once, so it may reuse its memory straight
// away) or reads straight into the writer's buffer (lend() then filled(): hashed in place, no copy;
// the PDF download does this with every socket read). Full buffers go to disk on the thread pool
// while the next one fills. Reusing the same few buffers matters on a VM: allocating fresh memory for
// every chunk cost more in page faults than the hash did.
import { createHash, type Hash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import type { ByteSink } from './types';

export const BUFFER_BYTES = 4 * 1024 * 1024;
/**
 * A writer's first buffer; each new one is twice the last, up to BUFFER_BYTES. A small object (a
 * manifest, an export page) then holds kilobytes, not 4 MB, which counts with hundreds of runs writing
 * at once; a PDF reaches full-size buffers within its first megabytes.
 */
export const FIRST_BUFFER_BYTES = 64 * 1024;
// Each buffer goes to the kernel as positioned writes of this size, all issued at once. One 4 MB
// write() lets ext4 (Linux 6.x) put the data in 2 MB page-cache folios, and on the Firecracker VM this
// was measured on, copying into them cost 1.1-2.2 s of system time per 500 MB instead of 0.35 s in
// about half the runs (perf: the time is in copy_folio_from_iter_atomic; most likely high-order pages
// the host had taken back through free page reporting, each touch a host fault). 256 KB writes
// measured steady; 1 MB writes did not. bench/download-statement.ts prints the system time per run.
export const WRITE_SLICE_BYTES = 256 * 1024;
/** lend() never offers less than this; a buffer with less room left goes to disk as it is. */
export const MIN_LEND_BYTES = 64 * 1024;
/** Buffers queued for disk before write() asks the producer to wait. */
const QUEUED_BUFFERS = 2;
// Flushing to disk as the data goes keeps the final fsync (before the rename) short: it otherwise
// writes back the whole file at the end while nothing else happens.
const SYNC_BYTES = 32 * 1024 * 1024;

export interface Written {
  bytes: number;
  sha256: string;
}

/** Where a writer picks up an earlier attempt's file: its first `bytes`, already hashed into `hash`. */
export interface ResumePoint {
  bytes: number;
  hash: Hash;
}

/**
 * Progress: bytes taken so far; of them, `written` are in the file (they survive the process being
 * killed) and `durable` were fsynced (they survive the machine crashing too).
 */
export type ProgressCallback = (bytes: number, saved: { written: number; durable: number }) => void;

export class HashedFileWriter implements ByteSink {
  #hash: Hash;
  #bytes: number;
  /** Bytes known to be on disk even after a machine crash (the last fsync covered them). */
  #durable: number;
  /** Set by restart(): the file may hold more than this writer's bytes, cut it to size at the end. */
  #truncate = false;
  #resumedFrom: number;
  #current: Buffer | null = null;
  #fill = 0;
  #spare: Buffer[] = [];
  #nextBufferBytes = FIRST_BUFFER_BYTES;
  #queued = 0;
  #writing: Promise<void> = Promise.resolve();
  #syncing: Promise<void> | null = null;
  #unsynced = 0;
  #failure: unknown = null;
  #waiters: (() => void)[] = [];
  #closed = false;
  /** File offset of the next buffer to be written. */
  #position: number;

  constructor(
    private readonly file: FileHandle,
    private readonly onProgress?: ProgressCallback,
    resume?: ResumePoint,
  ) {
    this.#hash = resume?.hash ?? createHash('sha256');
    this.#bytes = this.#durable = this.#position = this.#resumedFrom = resume?.bytes ?? 0;
  }

  get bytes(): number {
    return this.#bytes;
  }

  get durableBytes(): number {
    return this.#durable;
  }

  /**
   * Drops every byte taken so far (a server that ignored a Range request sends the whole file again).
   * Only before this writer has taken any byte of its own: what it resumed from is all it may drop.
   */
  restart(): void {
    if (this.#failure) throw this.#failure;
    if (this.#closed) throw new Error('restart after the object was finished');
    if (this.#bytes !== this.#resumedFrom || this.#queued > 0) throw new Error('restart after bytes were written');
    this.#hash = createHash('sha256');
    this.#bytes = this.#durable = this.#position = this.#resumedFrom = 0;
    this.#truncate = true;
  }

  /** Hashes and copies `chunk` (the caller keeps ownership); false means wait for drained(). */
  write(chunk: Uint8Array): boolean {
    if (this.#failure) throw this.#failure;
    if (this.#closed) throw new Error('write after the object was finished');
    this.#hash.update(chunk);
    this.#bytes += chunk.length;
    let offset = 0;
    while (offset < chunk.length) {
      const current = (this.#current ??= this.#spare.pop() ?? this.#newBuffer());
      const n = Math.min(chunk.length - offset, current.length - this.#fill);
      current.set(n === chunk.length ? chunk : chunk.subarray(offset, offset + n), this.#fill);
      this.#fill += n;
      offset += n;
      if (this.#fill === current.length) this.#flush();
    }
    return this.#queued < QUEUED_BUFFERS;
  }

  /** The unfilled rest of the current buffer, for the producer to read into (see ByteSink.lend). */
  lend(): Buffer {
    if (this.#failure) throw this.#failure;
    if (this.#closed) throw new Error('write after the object was finished');
    if (this.#current && this.#current.length - this.#fill < MIN_LEND_BYTES) this.#flush();
    const current = (this.#current ??= this.#spare.pop() ?? this.#newBuffer());
    return current.subarray(this.#fill);
  }

  /** Takes `bytes` the producer read into the start of the region lend() gave it. */
  filled(bytes: number): boolean {
    if (this.#failure) throw this.#failure;
    const current = this.#current;
    if (!current || bytes > current.length - this.#fill) throw new RangeError(`filled(${bytes}) without a lent region that large`);
    this.#hash.update(current.subarray(this.#fill, this.#fill + bytes));
    this.#bytes += bytes;
    this.#fill += bytes;
    if (this.#fill === current.length) this.#flush();
    return this.#queued < QUEUED_BUFFERS;
  }

  /** Keeps a written buffer for the next bytes, unless a bigger one is due: buffers only grow. */
  #reuse(buffer: Buffer): void {
    if (buffer.length * 2 >= this.#nextBufferBytes) this.#spare.push(buffer);
  }

  #newBuffer(): Buffer {
    const buffer = Buffer.allocUnsafeSlow(this.#nextBufferBytes);
    this.#nextBufferBytes = Math.min(BUFFER_BYTES, this.#nextBufferBytes * 2);
    return buffer;
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
    if (this.#truncate) await this.file.truncate(this.#position);
    await this.file.sync();
    this.#durable = this.#bytes;
    return { bytes: this.#bytes, sha256: this.#hash.digest('hex') };
  }

  /** Writes what is buffered and stops, leaving the bytes in the file for a later attempt to resume. */
  async suspend(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      this.#flush();
    }
    await this.settle();
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
      if (buffer) this.#reuse(buffer);
      return;
    }
    this.#queued++;
    this.#writing = this.#writing.then(async () => {
      try {
        const position = this.#position;
        this.#position += length;
        if (!this.#failure) await writeSlices(this.file, buffer.subarray(0, length), position);
        this.#unsynced += length;
        if (this.#unsynced >= SYNC_BYTES && !this.#syncing && !this.#failure) this.#startSync();
      } catch (error) {
        this.#failure ??= error;
      } finally {
        this.#queued--;
        this.#reuse(buffer);
        if (!this.#failure) this.onProgress?.(this.#bytes, { written: this.#position, durable: this.#durable });
        for (const wake of this.#waiters.splice(0)) wake();
      }
    });
  }

  #startSync(): void {
    this.#unsynced = 0;
    // Every byte below #position has been written (writes run one buffer after another).
    const covered = this.#position;
    // Linux reports a writeback error to one fsync only, so a failure here must fail the object.
    this.#syncing = this.file.datasync().then(
      () => void ((this.#durable = Math.max(this.#durable, covered)), (this.#syncing = null)),
      (error: unknown) => void ((this.#failure ??= error), (this.#syncing = null)),
    );
  }
}

/**
 * Writes `data` at `position` as WRITE_SLICE_BYTES pieces in parallel. Every piece is waited for, even
 * after one fails, so nothing is still writing into the file descriptor once this settles (it is
 * closed and its number reused right after a failure).
 */
async function writeSlices(file: FileHandle, data: Buffer, position: number): Promise<void> {
  const pieces: Promise<void>[] = [];
  for (let offset = 0; offset < data.length; offset += WRITE_SLICE_BYTES) {
    pieces.push(writeFully(file, data.subarray(offset, offset + WRITE_SLICE_BYTES), position + offset));
  }
  const failed = (await Promise.allSettled(pieces)).find((piece) => piece.status === 'rejected');
  if (failed) throw failed.reason;
}

/** write may write less than asked (a full disk shows up as a short write first); finish or fail. */
async function writeFully(file: FileHandle, data: Buffer, position: number): Promise<void> {
  let written = 0;
  while (written < data.length) {
    const { bytesWritten } = await file.write(data, written, data.length - written, position + written);
    if (bytesWritten === 0) throw new Error(`short write: ${written} of ${data.length} bytes`);
    written += bytesWritten;
  }
}
