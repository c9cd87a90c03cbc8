// STORAGE_URL=s3://bucket/prefix: which bucket, and under which key prefix, the S3 backend stores.
// Checked when the configuration loads, so a typo fails the worker at start with the reason.
import { checkKey } from './keys';

export interface S3Location {
  bucket: string;
  /** Segments joined by "/", no leading or trailing slash; '' for the bucket's root. */
  prefix: string;
}

// S3's bucket naming rules (general purpose buckets): 3-63 lowercase letters, digits, dots, hyphens.
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** Parses `s3://bucket[/prefix]`; throws an Error saying what is wrong (the value holds no secret). */
export function parseS3Url(value: string): S3Location {
  const match = /^s3:\/\/([^/?#]*)(?:\/([^?#]*))?$/.exec(value);
  if (!match) throw new Error('must look like s3://bucket or s3://bucket/prefix (no query or fragment)');
  const bucket = match[1]!;
  if (!BUCKET.test(bucket) || bucket.includes('..') || /^\d+\.\d+\.\d+\.\d+$/.test(bucket)) {
    throw new Error(`bucket "${bucket}" is not a valid S3 bucket name (3-63 characters: lowercase letters, digits, dots, hyphens)`);
  }
  const prefix = (match[2] ?? '').replace(/\/+$/, '');
  if (prefix) {
    try {
      checkKey(prefix);
    } catch (error) {
      throw new Error(`prefix: ${(error as Error).message}`, { cause: error });
    }
  }
  return { bucket, prefix };
}
