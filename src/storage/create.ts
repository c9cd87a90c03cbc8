// The storage backend the configuration chooses: a local folder (STORAGE_DIR, the default) or an
// S3-compatible bucket (STORAGE_URL=s3://bucket/prefix).
import type { Config } from '../config';
import { createLocalStorage } from './local';
import { createS3Storage } from './s3';
import type { Storage } from './types';

export function createStorage(config: Pick<Config, 'storageDir' | 'storage'>): Storage {
  const chosen = config.storage;
  if (chosen?.kind === 's3') return createS3Storage(chosen);
  return createLocalStorage(config.storageDir);
}

/** Where the objects go, for the worker's start line (no credentials: those never enter Config). */
export function describeStorage(config: Pick<Config, 'storageDir' | 'storage'>): string {
  const chosen = config.storage;
  if (chosen?.kind !== 's3') return config.storageDir;
  const url = `s3://${chosen.bucket}${chosen.prefix ? `/${chosen.prefix}` : ''}`;
  return chosen.endpoint ? `${url} at ${chosen.endpoint}` : `${url} (AWS S3, ${chosen.region})`;
}
