// The one place that decides which storage the cluster's worker processes share: an S3-compatible bucket
// (versitygw on loopback, scripts/install-versitygw.sh), as workers on several machines would share it.
// Each worker gets the same STORAGE_URL and AWS_* settings; the test reads the bucket through the
// project's own S3 backend and lists it through the S3 API, unfinished multipart uploads included.
import { ListMultipartUploadsCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { createS3Storage } from '../../../src/storage/s3';
import type { Storage } from '../../../src/storage/types';
import { startVersitygw, versitygwMissing } from '../../helpers/versitygw';

const PREFIX = 'cluster';

export interface SharedStorage {
  /** What each worker process gets in its environment to use this storage. */
  workerEnv: Record<string, string>;
  /** The same storage, as the project's code reads it (sha256, read, stat). */
  storage: Storage;
  /**
   * Every key in the storage, staging parts included, plus `<key> (unfinished upload)` for each multipart
   * upload still open: they are what "nothing left behind" looks for.
   */
  listKeys(): Promise<string[]>;
  close(): Promise<void>;
}

export async function startSharedStorage(): Promise<SharedStorage> {
  if (versitygwMissing()) throw new Error('The cluster test shares S3 storage: run `bash scripts/install-versitygw.sh`.');
  const s3 = await startVersitygw();
  const keyOf = (key: string) => key.slice(PREFIX.length + 1);
  return {
    // The AWS SDK's one-time notice about Node 20 would otherwise open every worker's log.
    workerEnv: { ...s3.env(PREFIX), AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    storage: createS3Storage(s3.settings(PREFIX)),
    async listKeys() {
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const page = await s3.client.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: `${PREFIX}/`, ContinuationToken: token }));
        keys.push(...(page.Contents ?? []).map((object) => keyOf(object.Key!)));
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      const uploads = await s3.client.send(new ListMultipartUploadsCommand({ Bucket: s3.bucket, Prefix: `${PREFIX}/` }));
      keys.push(...(uploads.Uploads ?? []).map((upload) => `${keyOf(upload.Key!)} (unfinished upload)`));
      return keys;
    },
    close: () => s3.stop(),
  };
}
