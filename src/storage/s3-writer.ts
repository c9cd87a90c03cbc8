// An object written to S3 through a SHA-256 hash, into a few reusable part buffers. An object that fits
// in one part goes up as one PutObject at commit(); a larger one as a multipart upload, whose parts
// nobody can read: the object appears only when CompleteMultipartUpload is sent, which commit() does
// only after the hash matched what the caller expected. A wrong hash, a cut or abort() aborts the
// upload instead (S3 deletes its parts). Memory is bounded by PART_BYTES x (QUEUE_SIZE + 1) whatever
// the size; the producer may read straight into a part buffer (lend/filled), as the PDF download does.
// Not lib-storage's Upload: its stream chunker concatenates every part into fresh memory, and measured
// 79 MB of RSS growth for a 500 MB PDF against 64 MB allowed; this writer, 12 MB (bench/s3-statement.ts).
import { createHash } from 'node:crypto';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { HashMismatchError } from './errors';
import type { CreateOptions, ObjectWriter, StoredObject } from './types';

/** Bytes per part (S3's minimum is 5 MiB except for the last part; 10,000 parts make 80 GB). */
export const PART_BYTES = 8 * 1024 * 1024;
/** Parts uploaded at once; one more buffer fills meanwhile. */
export const QUEUE_SIZE = 2;
/** lend() never offers less than this; a part with less room left is sent as it is. */
const MIN_LEND_BYTES = 64 * 1024;
/** Object metadata (x-amz-meta-sha256): the verified SHA-256 of the content, hex. */
export const SHA256_METADATA = 'sha256';

export interface S3Target {
  client: S3Client;
  bucket: string;
  /** The full object key (the storage prefix included). */
  objectKey: string;
}

/**
 * Opens `key` for pushed writes. Resuming an earlier attempt is not offered (no release()): a retry
 * of a cut download starts from byte 0, and the cut attempt's upload was aborted, not left behind.
 */
export function createS3Writer(key: string, target: S3Target, options: CreateOptions): ObjectWriter {
  return new S3ObjectWriter(key, target, options);
}

class S3ObjectWriter implements ObjectWriter {
  #hash = createHash('sha256');
  #expected: string | null;
  #bytes = 0;
  #uploaded = 0;
  #current: Buffer | null = null;
  #fill = 0;
  #spare: Buffer[] = [];
  #inFlight = new Set<Promise<void>>();
  #parts: { PartNumber: number; ETag: string }[] = [];
  #nextPart = 1;
  #uploadId: Promise<string> | null = null;
  #failure: unknown = null;
  #waiters: (() => void)[] = [];
  #state: 'open' | 'committing' | 'done' = 'open';
  #stop = new AbortController();

  constructor(
    readonly key: string,
    private readonly target: S3Target,
    private readonly options: CreateOptions,
  ) {
    this.#expected = options.expectedSha256?.toLowerCase() || null;
  }

  get bytes(): number {
    return this.#bytes;
  }

  write(chunk: Uint8Array): boolean {
    this.#check();
    this.#hash.update(chunk);
    this.#bytes += chunk.length;
    for (let offset = 0; offset < chunk.length;) {
      const current = (this.#current ??= this.#buffer());
      const n = Math.min(chunk.length - offset, current.length - this.#fill);
      current.set(chunk.subarray(offset, offset + n), this.#fill);
      this.#fill += n;
      offset += n;
      if (this.#fill === current.length) this.#sendPart();
    }
    return this.#inFlight.size < QUEUE_SIZE;
  }

  lend(): Uint8Array {
    this.#check();
    if (this.#current && this.#current.length - this.#fill < MIN_LEND_BYTES) this.#sendPart();
    const current = (this.#current ??= this.#buffer());
    return current.subarray(this.#fill);
  }

  filled(bytes: number): boolean {
    this.#check();
    const current = this.#current;
    if (!current || bytes > current.length - this.#fill) throw new RangeError(`filled(${bytes}) without a lent region that large`);
    this.#hash.update(current.subarray(this.#fill, this.#fill + bytes));
    this.#bytes += bytes;
    this.#fill += bytes;
    if (this.#fill === current.length) this.#sendPart();
    return this.#inFlight.size < QUEUE_SIZE;
  }

  async drained(): Promise<void> {
    while (!this.#failure && this.#inFlight.size >= QUEUE_SIZE) await new Promise<void>((resolve) => this.#waiters.push(resolve));
    if (this.#failure) throw this.#failure;
  }

  restart(): void {
    // Nothing is ever resumed, so there is nothing to drop before the first byte.
    if (this.#bytes > 0) throw new Error('restart after bytes were written');
  }

  async commit(): Promise<StoredObject> {
    if (this.#state !== 'open') throw new Error(`${this.key}: commit() called twice or after abort()`);
    this.#state = 'committing';
    const sha256 = this.#hash.digest('hex');
    try {
      if (this.#failure) throw this.#failure;
      if (this.#expected && this.#expected !== sha256) throw new HashMismatchError(this.key, this.#expected, sha256, this.#bytes);
      const { client, bucket, objectKey } = this.target;
      if (!this.#uploadId) {
        // One part or less: the whole object in one request, its hash known by now.
        const body = this.#current?.subarray(0, this.#fill) ?? Buffer.alloc(0);
        await client.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: objectKey,
            Body: body,
            ContentLength: body.length,
            Metadata: { [SHA256_METADATA]: sha256 },
          }),
        );
        this.#progress(body.length);
      } else {
        if (this.#fill > 0) this.#sendPart();
        await this.#settle();
        if (this.#failure) throw this.#failure;
        const UploadId = await this.#uploadId;
        const Parts = [...this.#parts].sort((a, b) => a.PartNumber - b.PartNumber);
        await client.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: objectKey, UploadId, MultipartUpload: { Parts } }));
      }
      this.#state = 'done';
      this.#release();
      return { key: this.key, bytes: this.#bytes, sha256 };
    } catch (error) {
      await this.#discard();
      throw error;
    }
  }

  async abort(): Promise<void> {
    // While committing, commit() itself discards the upload if it fails.
    if (this.#state !== 'open') return;
    await this.#discard();
  }

  #check(): void {
    if (this.#state !== 'open') throw new Error('write after the object was finished');
    if (this.#failure) throw this.#failure;
  }

  #buffer(): Buffer {
    return this.#spare.pop() ?? Buffer.allocUnsafeSlow(PART_BYTES);
  }

  /** Sends the filled part; the multipart upload is created with the first one. */
  #sendPart(): void {
    const buffer = this.#current!;
    const length = this.#fill;
    this.#current = null;
    this.#fill = 0;
    const { client, bucket, objectKey } = this.target;
    // Metadata can only be given now, before the content is known: the expected hash, if there is one.
    // Not cancelled by abort(): its answer is the id that lets #discard() abort the upload.
    this.#uploadId ??= client
      .send(
        new CreateMultipartUploadCommand({
          Bucket: bucket,
          Key: objectKey,
          ...(this.#expected ? { Metadata: { [SHA256_METADATA]: this.#expected } } : {}),
        }),
      )
      .then(({ UploadId }) => {
        if (!UploadId) throw new Error(`CreateMultipartUpload for ${objectKey} returned no UploadId`);
        return UploadId;
      });
    const PartNumber = this.#nextPart++;
    const sending: Promise<void> = this.#uploadPart(buffer.subarray(0, length), PartNumber).finally(() => {
      this.#inFlight.delete(sending);
      this.#spare.push(buffer);
      for (const wake of this.#waiters.splice(0)) wake();
    });
    this.#inFlight.add(sending);
  }

  /** Never rejects: a failure is kept for the producer's next call and commit(). */
  async #uploadPart(body: Buffer, PartNumber: number): Promise<void> {
    const { client, bucket, objectKey } = this.target;
    try {
      const UploadId = await this.#uploadId!;
      if (this.#failure) return;
      const { ETag } = await client.send(
        new UploadPartCommand({ Bucket: bucket, Key: objectKey, UploadId, PartNumber, Body: body, ContentLength: body.length }),
        {
          abortSignal: this.#stop.signal,
        },
      );
      if (!ETag) throw new Error(`UploadPart ${PartNumber} of ${objectKey} returned no ETag`);
      this.#parts.push({ PartNumber, ETag });
      this.#progress(body.length);
    } catch (error) {
      this.#failure ??= error;
    }
  }

  #progress(bytes: number): void {
    this.#uploaded += bytes;
    if (!this.#failure) this.options.onProgress?.(this.#bytes, { written: this.#uploaded, durable: this.#uploaded });
  }

  async #settle(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.all(this.#inFlight);
  }

  /** Stops every request, then aborts the multipart upload (S3 deletes its parts). */
  async #discard(): Promise<void> {
    this.#state = 'done';
    this.#failure ??= new Error(`${this.key}: write aborted`);
    this.#stop.abort();
    await this.#settle();
    const uploadId = await this.#uploadId?.catch(() => null);
    this.#release();
    if (!uploadId) return;
    const { client, bucket, objectKey } = this.target;
    // If even this fails (the server went away), the worker's sweep aborts the upload later.
    await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: objectKey, UploadId: uploadId })).catch(() => undefined);
  }

  #release(): void {
    this.#current = null;
    this.#spare = [];
    for (const wake of this.#waiters.splice(0)) wake();
  }
}
