// Guide steps "List the available statements" and "Download a statement PDF". The PDF is pushed from
// the socket straight into storage, hashed on the way; it is published only when the hash matches MX's
// content_hash, and skipped when storage already holds exactly that content. A download that was cut
// (connection lost, worker killed) resumes on the retry from the bytes already on disk, with Range.
import { MxError } from '../src/mx/errors';
import { RangeNotHonouredError } from '../src/mx/content-range';
import type { ObjectWriter } from '../src/storage/types';
import type { ActivityDeps } from './deps';
import { cancellation, cancelledByWorkflow, heartbeater } from './context';
import { invalidInput } from './failures';
import { toStatementInfo } from './mappers';
import type { Activities, DownloadStatementInput, DownloadStatementResult, StatementInfo } from './types';

const SHA256_HEX = /^[0-9a-fA-F]{64}$/;

/**
 * Heartbeat details of a download, for people watching (describe, the Web UI) and the tests. The retry
 * does not go by them: heartbeats reach Temporal at most every 8 s, so they lag what is in the file.
 * It resumes from all the bytes in the partial file, re-hashed: they survive the worker being killed.
 * After a machine crash the unsynced tail (beyond `durableBytes`) may be wrong; the content_hash check
 * then fails, the partial file is dropped and the next attempt starts over.
 */
export interface DownloadProgress {
  bytes: number;
  writtenBytes: number;
  durableBytes: number;
  /** The PDF's size, once MX has answered. */
  total: number | null;
  /** Where this attempt's body started: 0, or the bytes an earlier attempt left. */
  resumedFrom: number;
}

export function statementActivities({ mx, storage, clock }: ActivityDeps): Pick<Activities, 'listStatements' | 'downloadStatement'> {
  return {
    async listStatements(input) {
      if (!input?.userGuid || !input.memberGuid) throw invalidInput('listStatements: userGuid and memberGuid are required');
      const found: StatementInfo[] = [];
      for await (const statement of mx.listStatements(input.userGuid, input.memberGuid, { signal: cancellation() })) {
        found.push(toStatementInfo(statement));
      }
      return found;
    },

    downloadStatement: (input) => downloadOneStatement({ mx, storage }, input, heartbeater(clock)),
  };
}

/** Where one download reports its progress: the activity's heartbeat, or a batch's (statement-downloads.ts). */
export type ProgressBeat = (details: DownloadProgress, force?: boolean) => void;

/** One statement PDF into storage, verified and resumable (see the top of this file). */
export async function downloadOneStatement(
  { mx, storage }: Pick<ActivityDeps, 'mx' | 'storage'>,
  input: DownloadStatementInput,
  beat: ProgressBeat,
): Promise<DownloadStatementResult> {
  checkDownloadInput(input);
  const expected = input.contentHash?.toLowerCase() ?? null;
  if (expected) {
    const stored = await storage.stat(input.key);
    if (stored && (await storage.sha256(input.key)) === expected) {
      return { key: input.key, bytes: stored.bytes, sha256: expected, skipped: true };
    }
  }
  const signal = cancellation();
  const progress: DownloadProgress = { bytes: 0, writtenBytes: 0, durableBytes: 0, total: null, resumedFrom: 0 };
  const writer = await storage.create(input.key, {
    expectedSha256: expected,
    resume: true,
    signal,
    onProgress: (bytes, saved) => beat({ ...progress, bytes, writtenBytes: saved.written, durableBytes: saved.durable }),
  });
  // Details for moments when every byte taken is in the file: at the start, and once released.
  const allInFile = () => ({ ...progress, bytes: writer.bytes, writtenBytes: writer.bytes, durableBytes: writer.durableBytes ?? 0 });
  try {
    await downloadRest(mx, input, writer, signal, (total, offset) => {
      Object.assign(progress, { resumedFrom: offset, total });
      beat(allInFile(), true);
    });
    signal?.throwIfAborted();
    return { ...(await writer.commit()), skipped: false };
  } catch (error) {
    if (worthResuming(error) && writer.release) {
      await writer.release();
      // Everything taken is in the file now (Temporal keeps the last details for people to see).
      beat(allInFile(), true);
    } else {
      await writer.abort();
    }
    throw error;
  }
}

/**
 * Asks MX for the bytes after those already in `writer` (all of them for a new file). When MX sends
 * the whole file instead, or a range other than the one asked for, what was kept is dropped and the
 * PDF comes again from byte 0. `onStart` learns the PDF's size and where this body starts.
 */
async function downloadRest(
  mx: ActivityDeps['mx'],
  input: DownloadStatementInput,
  writer: ObjectWriter,
  signal: AbortSignal | undefined,
  onStart: (total: number | null, offset: number) => void,
): Promise<void> {
  const fetch = (from: number) =>
    mx.downloadStatementPdf(input.userGuid, input.memberGuid, input.statementGuid, {
      signal,
      into: writer,
      from,
      onStart: (contentLength, offset) => {
        if (offset === 0 && writer.bytes > 0) writer.restart!();
        onStart(contentLength === null ? null : offset + contentLength, offset);
      },
    });
  await fetch(writer.bytes).catch(async (error: unknown) => {
    if (!(error instanceof RangeNotHonouredError)) throw error;
    writer.restart!();
    await fetch(0);
  });
}

/** Keep the bytes for the retry unless none will come, or they are not worth having. */
function worthResuming(error: unknown): boolean {
  if (cancellation()?.aborted) return !cancelledByWorkflow();
  if (error instanceof MxError) return error.retryable;
  return true;
}

function checkDownloadInput(input: DownloadStatementInput): void {
  if (!input?.userGuid || !input.memberGuid || !input.statementGuid) {
    throw invalidInput('downloadStatement: userGuid, memberGuid and statementGuid are required');
  }
  if (!input.key) throw invalidInput('downloadStatement: key is required');
  if (input.contentHash != null && !SHA256_HEX.test(input.contentHash)) {
    throw invalidInput(`downloadStatement: contentHash must be 64 hex characters (SHA-256), got ${JSON.stringify(input.contentHash)}`);
  }
}
