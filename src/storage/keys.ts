// Keys are relative, slash-separated names. Anything that could step outside the root (or mean
// different things on different backends) is refused with the reason.
import { InvalidStorageKeyError } from './errors';
import { isPartialName } from './partial';

const MAX_KEY_LENGTH = 1024;

/** Returns the key's segments, or throws InvalidStorageKeyError naming the problem. */
export function checkKey(key: unknown): string[] {
  if (typeof key !== 'string' || key === '') throw new InvalidStorageKeyError(String(key), 'must be a non-empty string');
  if (key.length > MAX_KEY_LENGTH) throw new InvalidStorageKeyError(key.slice(0, 40) + '…', `longer than ${MAX_KEY_LENGTH} characters`);
  if (key.includes('\0')) throw new InvalidStorageKeyError(key, 'contains a NUL character');
  if (key.includes('\\')) throw new InvalidStorageKeyError(key, 'contains a backslash; use "/"');
  if (key.startsWith('/')) throw new InvalidStorageKeyError(key, 'is absolute; keys are relative to the storage root');
  if (/^[A-Za-z]:/.test(key)) throw new InvalidStorageKeyError(key, 'starts with a drive letter');
  const segments = key.split('/');
  for (const segment of segments) {
    if (segment === '') throw new InvalidStorageKeyError(key, 'has an empty segment ("//" or a trailing "/")');
    if (segment === '.' || segment === '..') throw new InvalidStorageKeyError(key, `has a "${segment}" segment`);
    if (isPartialName(segment)) throw new InvalidStorageKeyError(key, `"${segment}" is how partial files are named (".<name>.partial")`);
  }
  return segments;
}
