// The temporary file an object is written to before it is published. It has one name per key, so the
// retry of an attempt that crashed finds it (and resumes from it, or overwrites it) instead of leaving
// it behind under a random name. Whoever writes it holds a lease: the file's mtime, touched every
// LEASE_REFRESH_MS. A file untouched for LEASE_STALE_MS belongs to nobody: a new attempt may take it
// over, the sweeper may remove it once it is much older. Staleness compares the file's mtime with
// this machine's clock, so storage shared between machines needs their clocks in step (NTP).
import type { FileHandle } from 'node:fs/promises';
import { open, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ObjectBusyError } from './errors';

export const LEASE_REFRESH_MS = 1_000;
export const LEASE_STALE_MS = 5_000;
/** How long create() waits for another attempt's partial file to go stale before giving up. */
const CLAIM_WAIT_MS = 3 * LEASE_STALE_MS;
const CLAIM_POLL_MS = 250;

const PARTIAL = /^\..+\.partial$/;

/** `.<name>.partial` beside the target: hidden, and in the same directory so rename() is atomic. */
export function partialPathOf(target: string): string {
  return join(dirname(target), `.${basename(target)}.partial`);
}

/** True for names only this module makes (keys.ts refuses them as keys, so no object is ever one). */
export function isPartialName(name: string): boolean {
  return PARTIAL.test(name);
}

export interface Claim {
  file: FileHandle;
  /** Bytes an earlier attempt left in the file (0 for a new one). */
  existingBytes: number;
  /** Keeps the lease fresh until released; lost() tells whether it went stale meanwhile. */
  lease: Lease;
}

/**
 * Opens the key's partial file for writing: a new one, or one whose writer is gone. While another
 * attempt still holds it (its retry raced it, or it is a zombie whose heartbeats stopped reaching
 * Temporal), waits for it to go stale, up to CLAIM_WAIT_MS, then fails with ObjectBusyError.
 */
export async function claimPartial(path: string, key: string, signal?: AbortSignal): Promise<Claim> {
  const deadline = Date.now() + CLAIM_WAIT_MS;
  for (;;) {
    signal?.throwIfAborted();
    const created = await open(path, 'wx').catch(ignoreCode('EEXIST'));
    if (created) return { file: created, existingBytes: 0, lease: new Lease(created) };
    const info = await stat(path).catch(ignoreCode('ENOENT'));
    if (!info) continue; // its writer just published or dropped it: try to create it again
    const idle = Date.now() - info.mtimeMs;
    if (idle >= LEASE_STALE_MS) {
      const file = await open(path, 'r+').catch(ignoreCode('ENOENT'));
      if (!file) continue;
      const lease = new Lease(file);
      await lease.refresh();
      return { file, existingBytes: (await file.stat()).size, lease };
    }
    if (Date.now() >= deadline) throw new ObjectBusyError(key, LEASE_STALE_MS);
    await sleep(Math.min(CLAIM_POLL_MS, LEASE_STALE_MS - idle), undefined, { signal }).catch((error: unknown) => {
      signal?.throwIfAborted(); // with the signal's own reason
      throw error;
    });
  }
}

/** Touches the file every LEASE_REFRESH_MS while held, so nobody takes it over or sweeps it. */
export class Lease {
  #timer: NodeJS.Timeout | null;
  #refreshedAt = Date.now();
  #lost = false;

  constructor(private readonly file: FileHandle) {
    this.#timer = setInterval(() => void this.refresh(), LEASE_REFRESH_MS).unref();
  }

  async refresh(): Promise<void> {
    // A gap this long is a stall (a frozen process, a failing disk) that another attempt may have used
    // to take the file over; touching it again now would hide that.
    if (this.#gapTooLong()) this.#lost = true;
    const now = new Date();
    // A failed touch only ages the lease; lost() then stops this writer from publishing.
    await this.file.utimes(now, now).then(
      () => void (this.#refreshedAt = now.getTime()),
      () => undefined,
    );
  }

  /**
   * True when the lease may have gone stale (this process stalled, or could not touch the file): the
   * partial may have been taken over by another attempt, so this writer must not publish it.
   */
  lost(): boolean {
    if (this.#gapTooLong()) this.#lost = true;
    return this.#lost;
  }

  #gapTooLong(): boolean {
    return Date.now() - this.#refreshedAt >= LEASE_STALE_MS - LEASE_REFRESH_MS;
  }

  release(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  /**
   * Releases the file for the next attempt to take over at once, instead of LEASE_STALE_MS after the
   * last touch: its mtime is set just that far back, still far younger than anything the sweeper takes.
   */
  async giveUp(): Promise<void> {
    this.release();
    const past = new Date(Date.now() - LEASE_STALE_MS);
    await this.file.utimes(past, past).catch(() => undefined);
  }
}

function ignoreCode(code: string) {
  return (error: NodeJS.ErrnoException): null => {
    if (error.code === code) return null;
    throw error;
  };
}
