// Where records and statement PDFs go. Callers see only this interface, so an S3-compatible backend
// (multipart upload + x-amz-checksum-sha256, conditional put) can be added beside the local one.
import type { Readable } from 'node:stream';

export interface StoredObject {
  key: string;
  bytes: number;
  /** SHA-256 of the stored bytes, lowercase hex. */
  sha256: string;
}

export interface ObjectInfo {
  key: string;
  bytes: number;
  modifiedAt: Date;
}

export interface PutOptions {
  /** When set, the object is published only if the bytes hash to this (hex, any case). */
  expectedSha256?: string | null;
  /** Aborting stops the write; nothing is published. */
  signal?: AbortSignal;
  /**
   * Called as bytes reach the file (for heartbeats): bytes taken so far; `written` of them are in the
   * file (they survive the process being killed), `durable` were fsynced (they survive a machine crash).
   */
  onProgress?: (bytes: number, saved: { written: number; durable: number }) => void;
}

export interface CreateOptions extends Omit<PutOptions, 'signal'> {
  /**
   * Keep the bytes an earlier attempt (crashed, or cut off) left of this object, re-hashed, and
   * continue after them: ObjectWriter.bytes starts there. Without it they are overwritten.
   */
  resume?: boolean;
  /** Stops waiting for another attempt that still holds the object's partial file. */
  signal?: AbortSignal;
}

/**
 * Takes bytes pushed by a producer (the PDF download pushes each socket read). A chunk is only lent
 * for the call: the sink copies what it keeps, so the producer may reuse its buffer at once.
 */
export interface ByteSink {
  /** false: stop producing until drained() resolves (the bytes given were still taken). */
  write(chunk: Uint8Array): boolean;
  drained(): Promise<void>;
  /**
   * Optional, saves a copy of every byte: lends the sink's own memory (at least 64 KB) for the
   * producer to read into. The producer then reports with filled() how many bytes it put at the start
   * of the region and does not touch the region again; the next lend() or write() ends the loan.
   */
  lend?(): Uint8Array;
  /** Takes `bytes` from the start of the lent region; the result means what write()'s does. */
  filled?(bytes: number): boolean;
}

/** An object being written. Nothing is visible under its key until commit() succeeds. */
export interface ObjectWriter extends ByteSink {
  readonly key: string;
  /** Bytes taken so far. */
  readonly bytes: number;
  /** Verifies the expected hash and publishes atomically; on any failure nothing is published. */
  commit(): Promise<StoredObject>;
  /** Drops everything written; safe to call at any time, more than once, and after commit fails. */
  abort(): Promise<void>;
  /** Bytes an fsync has made durable, of `bytes`. */
  readonly durableBytes?: number;
  /** Drops the bytes resumed from an earlier attempt, before any new byte (a Range request was ignored). */
  restart?(): void;
  /**
   * Stops writing but leaves the bytes on disk for a later create(key, { resume }) (a retry after a
   * cut connection). Safe to call like abort(); whatever nobody resumes is swept later.
   */
  release?(): Promise<void>;
}

export type PutSource = Readable | AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>;

export interface Storage {
  /** Streams `source` into `key`; readers see the old object or the complete new one, never a part. */
  put(key: string, source: PutSource, options?: PutOptions): Promise<StoredObject>;
  /** Opens `key` for pushed writes (the producer owns cancellation of the writes themselves). */
  create(key: string, options?: CreateOptions): Promise<ObjectWriter>;
  stat(key: string): Promise<ObjectInfo | null>;
  exists(key: string): Promise<boolean>;
  /** SHA-256 of the stored object, or null when there is none. */
  sha256(key: string): Promise<string | null>;
  read(key: string): Readable;
  /** Deletes `key` if it exists (staging objects once they are assembled). */
  remove(key: string): Promise<void>;
  /** Where the object lives, for people (a path or a URL). */
  locate(key: string): string;
  /**
   * Removes partial files of crashed attempts (or, with `matches`, other leftovers named so, such as an
   * abandoned export's staging parts) untouched for `olderThanMs`; returns their keys.
   */
  sweep?(olderThanMs: number, matches?: (name: string) => boolean): Promise<string[]>;
}
