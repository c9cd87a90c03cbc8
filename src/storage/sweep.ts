// Removes partial files nobody will come back for: those of a run that was terminated, cancelled
// hard, or ran out of attempts right after a crash. Only names partial.ts makes, and only files
// untouched for far longer than any live writer leaves its lease (it touches the file every second),
// and longer than Temporal waits between retries (a retry resumes from the file).
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isPartialName, LEASE_STALE_MS } from './partial';

/** Sweeps younger than this would race retries that are about to resume. */
export const MIN_SWEEP_AGE_MS = 12 * LEASE_STALE_MS;

export interface SweepResult {
  /** Paths relative to the root, '/'-separated. */
  removed: string[];
  /** Partial files left because they are younger than the age given (possibly being written). */
  kept: number;
}

/** `matches` picks the names to sweep: by default the partial files of partial.ts. */
export async function sweepPartials(
  root: string,
  olderThanMs: number,
  matches: (name: string) => boolean = isPartialName,
  now = Date.now(),
): Promise<SweepResult> {
  if (!(olderThanMs >= MIN_SWEEP_AGE_MS)) {
    throw new RangeError(`sweep: olderThanMs must be at least ${MIN_SWEEP_AGE_MS} ms (a live writer's lease), got ${olderThanMs}`);
  }
  const result: SweepResult = { removed: [], kept: 0 };
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  for (const entry of entries) {
    if (!entry.isFile() || !matches(entry.name)) continue;
    const path = join(entry.parentPath, entry.name);
    // Checked once more right before removing: a retry that takes a partial over touches it first.
    const info = await stat(path).catch(() => null);
    if (!info || now - info.mtimeMs < olderThanMs || Date.now() - info.mtimeMs < olderThanMs) {
      if (info) result.kept++;
      continue;
    }
    await rm(path, { force: true });
    result.removed.push(
      path
        .slice(root.length + 1)
        .split(/[\\/]/)
        .join('/'),
    );
  }
  return result;
}
