// What writers leave in a bucket when nobody comes back: multipart uploads of a worker killed mid-write
// (their parts cost storage but no object shows), and, asked by name, objects such as an abandoned
// export's staging parts. Only what was untouched for `olderThanMs`, and only under the storage prefix.
import {
  AbortMultipartUploadCommand,
  DeleteObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  type S3Client,
} from '@aws-sdk/client-s3';
import { MIN_SWEEP_AGE_MS } from './sweep';

export interface S3SweepTarget {
  client: S3Client;
  bucket: string;
  /** '' or "a/b/": what object keys start with. */
  keyPrefix: string;
}

/**
 * Without `matches`: aborts multipart uploads initiated more than `olderThanMs` ago (a live upload of a
 * large PDF takes minutes, not the hour the worker waits). With `matches` (on the key's last segment):
 * also deletes objects so named, last modified that long ago. Returns the storage keys.
 */
export async function sweepS3(
  target: S3SweepTarget,
  olderThanMs: number,
  matches?: (name: string) => boolean,
  now = Date.now(),
): Promise<string[]> {
  if (!(olderThanMs >= MIN_SWEEP_AGE_MS)) {
    throw new RangeError(`sweep: olderThanMs must be at least ${MIN_SWEEP_AGE_MS} ms (a live writer's lease), got ${olderThanMs}`);
  }
  const { client, bucket, keyPrefix } = target;
  const cutoff = now - olderThanMs;
  const named = (key: string) => !matches || matches(key.slice(key.lastIndexOf('/') + 1));
  const removed: string[] = [];
  let keyMarker: string | undefined;
  let uploadIdMarker: string | undefined;
  do {
    const page = await client.send(
      new ListMultipartUploadsCommand({
        Bucket: bucket,
        Prefix: keyPrefix || undefined,
        KeyMarker: keyMarker,
        UploadIdMarker: uploadIdMarker,
      }),
    );
    for (const upload of page.Uploads ?? []) {
      if (!upload.Key || !upload.UploadId || !upload.Initiated || upload.Initiated.getTime() > cutoff || !named(upload.Key)) continue;
      await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: upload.Key, UploadId: upload.UploadId }));
      removed.push(upload.Key.slice(keyPrefix.length));
    }
    keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
    uploadIdMarker = page.IsTruncated ? page.NextUploadIdMarker : undefined;
  } while (keyMarker);
  if (!matches) return removed;
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: keyPrefix || undefined, ContinuationToken: token }));
    for (const object of page.Contents ?? []) {
      if (!object.Key || !object.LastModified || object.LastModified.getTime() > cutoff || !named(object.Key)) continue;
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: object.Key }));
      removed.push(object.Key.slice(keyPrefix.length));
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return removed;
}
