// Storage in an S3-compatible bucket (AWS S3, versitygw, Ceph, ...), under an optional key prefix.
// Objects appear whole or not at all: a write is a PutObject or a multipart upload, completed only
// after its SHA-256 matched (s3-writer.ts). The verified hash is kept as object metadata, so the
// statements guide's re-run skips a stored PDF with one HEAD request instead of reading it back.
// Unlike the local backend, a cut write is not resumed: the retry starts from byte 0 (README, "Storage").
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { checkKey } from './keys';
import { putFromSource } from './put-source';
import type { S3Location } from './s3-location';
import { sweepS3 } from './s3-sweep';
import { createS3Writer, SHA256_METADATA } from './s3-writer';
import type { ObjectInfo, Storage } from './types';

export interface S3Settings extends S3Location {
  /** AWS_ENDPOINT_URL_S3 (or AWS_ENDPOINT_URL): an S3-compatible server; unset means AWS S3. */
  endpoint?: string;
  region: string;
  /** Path-style URLs (http://host/bucket/key), which S3-compatible servers need; default: when an endpoint is set. */
  forcePathStyle?: boolean;
  /** Credentials, when not from the SDK's default chain (AWS_ACCESS_KEY_ID, profiles, instance roles). */
  credentials?: S3ClientConfig['credentials'];
}

/** An S3 client with the settings S3-compatible servers need. Credentials come from the SDK's usual chain. */
export function createS3Client(settings: S3Settings): S3Client {
  return new S3Client({
    region: settings.region,
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    forcePathStyle: settings.forcePathStyle ?? Boolean(settings.endpoint),
    // The SDK's default CRC32 checksums (since v3.729) are refused by many S3-compatible servers; the
    // content is verified by its SHA-256 here instead.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    ...(settings.credentials ? { credentials: settings.credentials } : {}),
  });
}

export function createS3Storage(settings: S3Settings, client: S3Client = createS3Client(settings)): Storage {
  const { bucket } = settings;
  const keyPrefix = settings.prefix ? `${settings.prefix}/` : '';
  const objectKeyOf = (key: string): string => {
    checkKey(key);
    return keyPrefix + key;
  };
  const head = async (key: string) => {
    try {
      return await client.send(new HeadObjectCommand({ Bucket: bucket, Key: objectKeyOf(key) }));
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  };
  const target = (key: string) => ({ client, bucket, objectKey: objectKeyOf(key) });

  return {
    async put(key, source, options = {}) {
      const { signal, ...rest } = options;
      signal?.throwIfAborted();
      return putFromSource(createS3Writer(key, target(key), rest), source, signal);
    },

    create: async (key, options = {}) => createS3Writer(key, target(key), options),

    async stat(key): Promise<ObjectInfo | null> {
      const info = await head(key);
      return info ? { key, bytes: info.ContentLength ?? 0, modifiedAt: info.LastModified ?? new Date(0) } : null;
    },

    async exists(key) {
      return (await head(key)) !== null;
    },

    async sha256(key) {
      const info = await head(key);
      if (!info) return null;
      // Written by s3-writer.ts only once the content matched it; objects written without an expected hash are read.
      const recorded = info.Metadata?.[SHA256_METADATA];
      if (recorded && /^[0-9a-f]{64}$/.test(recorded)) return recorded;
      const hash = createHash('sha256');
      for await (const chunk of this.read(key)) hash.update(chunk as Uint8Array);
      return hash.digest('hex');
    },

    read(key): Readable {
      const objectKey = objectKeyOf(key);
      async function* body(): AsyncGenerator<Uint8Array> {
        const { Body } = await client.send(new GetObjectCommand({ Bucket: bucket, Key: objectKey }));
        if (!Body) return;
        yield* Body as AsyncIterable<Uint8Array>;
      }
      return Readable.from(body(), { objectMode: false });
    },

    async remove(key) {
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: objectKeyOf(key) }));
    },

    locate: (key) => `s3://${bucket}/${objectKeyOf(key)}`,

    sweep: async (olderThanMs, matches) => sweepS3({ client, bucket, keyPrefix }, olderThanMs, matches),
  };
}

function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NotFound' || e?.name === 'NoSuchKey' || e?.$metadata?.httpStatusCode === 404;
}
