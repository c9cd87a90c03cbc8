// Key files under DATA_DIR for one machine: created on first use, readable by the owner only.
import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Several processes start together (`npm start` launches the worker and the support page), so the
 * file appears atomically: written under a unique name, then hard-linked into place, which fails if
 * another process won the race — and then its key is the one everybody reads.
 */
export function readOrCreateKeyFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  mkdirSync(join(path, '..'), { recursive: true });
  const draft = draftPath(path);
  writeFileSync(draft, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(draft, path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    rmSync(draft, { force: true });
  }
  return readFileSync(path, 'utf8');
}

/** Writes content that anyone may read (a public key), replacing the file atomically. */
export function writePublicFile(path: string, content: string): void {
  const draft = draftPath(path);
  writeFileSync(draft, content, { mode: 0o644, flag: 'wx' });
  renameSync(draft, path);
}

export function readOptionalFile(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

function draftPath(path: string): string {
  return `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
}
