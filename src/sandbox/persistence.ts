// The sandbox's state on disk, so that, like MX, it still knows its users, members, jobs and challenges
// after a restart. Jobs are timestamps, so a restart in the middle of one continues where the clock is.
// The file is replaced atomically (temporary file, fsync, rename) a moment after each change and at
// close; it holds the members' test credentials, so only its owner may read it.
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import type { SavedClient } from './store';

export interface SavedState {
  version: 1;
  /** The data (accounts, transactions, PDFs) derives from it, so it stays the file's seed. */
  seed: number;
  /** Random per file: part of every guid, so a removed file's guids are not made again. */
  guidEpoch: string;
  clients: Record<string, SavedClient>;
}

const savedRecord = z.looseObject({ guid: z.string() });
const savedStateSchema = z.object({
  version: z.literal(1),
  seed: z.number().int(),
  guidEpoch: z.string().min(1),
  clients: z.record(z.string(), z.object({ created: z.number().int().min(0), users: z.array(savedRecord), members: z.array(savedRecord) })),
});

/** A state for a file that does not exist yet. */
export function newSavedState(seed: number): SavedState {
  return { version: 1, seed, guidEpoch: randomBytes(8).toString('hex'), clients: {} };
}

/** The saved state, or undefined when there is no file; a file that is not one says so, naming the file. */
export function readSavedState(file: string): SavedState | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const checked = savedStateSchema.safeParse(parsed);
  if (!checked.success) {
    throw new Error(
      `${file} is not a sandbox state file (${checked.error.issues[0]?.path.join('.') || 'not JSON'}); move it away to start with an empty sandbox.`,
    );
  }
  return checked.data as unknown as SavedState;
}

const SAVE_DELAY_MS = 100;

/** Writes `snapshot()` to `file` shortly after `changed()`, one write at a time, and on `flush()`. */
export class StateFile {
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly file: string,
    private readonly snapshot: () => SavedState,
    private readonly onError: (error: Error) => void,
  ) {}

  changed(): void {
    this.timer ??= setTimeout(() => void this.save().catch(this.onError), SAVE_DELAY_MS);
  }

  /** Writes now, whatever is pending; the sandbox's close awaits it. */
  async flush(): Promise<void> {
    await this.save();
  }

  private save(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    // Taken now, written in turn: a later change is never overwritten by an earlier snapshot.
    const text = JSON.stringify(this.snapshot());
    this.writing = this.writing.catch(() => undefined).then(() => writeAtomically(this.file, text));
    return this.writing;
  }
}

async function writeAtomically(file: string, text: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const draft = `${file}.${process.pid}.tmp`;
  const handle = await open(draft, 'w', 0o600);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(draft, file);
  } catch (err) {
    await rm(draft, { force: true });
    throw err;
  }
}
