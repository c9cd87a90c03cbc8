// An object written to S3 through a SHA-256 hash. The bytes stream into lib-storage's Upload (a
// multipart upload once they outgrow one part, a single PutObject otherwise), whose parts nobody can
// read: the object appears only when the upload completes. The upload's body stream is ended only
// after the hash matched what the caller expected, so a wrong hash or a cut never completes it: the
// stream is destroyed instead, which makes Upload abort the multipart upload (its parts are deleted).
// Memory stays bounded whatever the size: about PART_BYTES × (QUEUE_SIZE + 2), see bench/s3-statement.ts.
import { createHash } from 'node:crypto';
import { PassThrough } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { HashMismatchError } from './errors';
import type { CreateOptions, ObjectWriter, StoredObject } from './types';

/** Bytes per part (S3's minimum is 5 MiB except for the last part). */
export const PART_BYTES = 8 * 1024 * 1024;
/** Parts uploaded at once. */
export const QUEUE_SIZE = 2;
/** Bytes the body stream holds before write() asks the producer to wait. */
const STREAM_BUFFER_BYTES = 1024 * 1024;
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
  const hash = createHash('sha256');
  const expected = options.expectedSha256?.toLowerCase() || null;
  const body = new PassThrough({ highWaterMark: STREAM_BUFFER_BYTES });
  // Destroying the body is how an upload is stopped; Upload sees the error through its reads.
  body.on('error', () => undefined);
  const upload = new Upload({
    client: target.client,
    partSize: PART_BYTES,
    queueSize: QUEUE_SIZE,
    leavePartsOnError: false,
    params: {
      Bucket: target.bucket,
      Key: target.objectKey,
      Body: body,
      // Known before the first byte only when the caller expects a hash; the object appears only if it matches.
      ...(expected ? { Metadata: { [SHA256_METADATA]: expected } } : {}),
    },
  });
  let bytes = 0;
  let uploaded = 0;
  let failure: unknown = null;
  let state: 'open' | 'committing' | 'done' = 'open';
  upload.on('httpUploadProgress', (progress) => {
    uploaded = Math.max(uploaded, progress.loaded ?? 0);
    options.onProgress?.(bytes, { written: uploaded, durable: uploaded });
  });
  // Runs from the start (it pulls the body); settles once the object is published or the upload aborted.
  const done = upload.done().then(
    () => undefined,
    (error: unknown) => {
      failure ??= error;
      throw error;
    },
  );
  done.catch(() => undefined);
  const failed = done.then(
    () => new Promise<never>(() => undefined),
    () => undefined,
  );

  const check = () => {
    if (state !== 'open') throw new Error('write after the object was finished');
    if (failure) throw failure;
  };
  /** Stops the upload: Upload deletes the multipart upload's parts before `done` settles. */
  const discard = async (reason: Error) => {
    body.destroy(reason);
    await done.catch(() => undefined);
  };

  return {
    key,
    get bytes() {
      return bytes;
    },
    write(chunk) {
      check();
      hash.update(chunk);
      bytes += chunk.length;
      // A copy: the producer may reuse its buffer as soon as this returns.
      if (chunk.length === 0) return !body.writableNeedDrain;
      return body.write(Buffer.copyBytesFrom(chunk));
    },
    async drained() {
      check();
      if (!body.writableNeedDrain) return;
      await Promise.race([new Promise<void>((resolve) => body.once('drain', resolve)), failed]);
      if (failure) throw failure;
    },
    restart() {
      // Nothing is ever resumed, so there is nothing to drop before the first byte.
      if (bytes > 0) throw new Error('restart after bytes were written');
    },
    async commit(): Promise<StoredObject> {
      if (state !== 'open') throw new Error(`${key}: commit() called twice or after abort()`);
      state = 'committing';
      const sha256 = hash.digest('hex');
      try {
        if (failure) throw failure;
        if (expected && expected !== sha256) {
          const mismatch = new HashMismatchError(key, expected, sha256, bytes);
          await discard(mismatch);
          throw mismatch;
        }
        body.end();
        await done;
        return { key, bytes, sha256 };
      } catch (error) {
        await discard(error instanceof Error ? error : new Error(String(error)));
        throw error;
      } finally {
        state = 'done';
      }
    },
    async abort() {
      // While committing, commit() itself discards the upload if it fails.
      if (state !== 'open') return;
      state = 'done';
      await discard(new Error(`${key}: write aborted`));
    },
  };
}
