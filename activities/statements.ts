// Guide steps "List the available statements" and "Download a statement PDF". The PDF is pushed from
// the socket straight into storage, hashed on the way; it is published only when the hash matches MX's
// content_hash, and skipped when storage already holds exactly that content. A download that was cut
// (connection lost, worker killed) resumes on the retry from the bytes already on disk, with Range.
import { MxError } from '../src/mx/errors';
import { RangeNotHonouredError } from '../src/mx/content-range';
import type { ActivityDeps } from './deps';
import { cancellation, cancelledByWorkflow, heartbeater } from './context';
import { invalidInput } from './failures';
import { toStatementInfo } from './mappers';
import type { Activities, DownloadStatementInput, StatementInfo } from './types';

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

    async downloadStatement(input) {
      checkDownloadInput(input);
      const expected = input.contentHash?.toLowerCase() ?? null;
      if (expected) {
        const stored = await storage.stat(input.key);
        if (stored && (await storage.sha256(input.key)) === expected) {
          return { key: input.key, bytes: stored.bytes, sha256: expected, skipped: true };
        }
      }
      const signal = cancellation();
      const beat = heartbeater(clock);
      const progress: DownloadProgress = { bytes: 0, writtenBytes: 0, durableBytes: 0, total: null, resumedFrom: 0 };
      const writer = await storage.create(input.key, {
        expectedSha256: expected,
        resume: true,
        signal,
        onProgress: (bytes, saved) => beat({ ...progress, bytes, writtenBytes: saved.written, durableBytes: saved.durable }),
      });
      try {
        const fetch = (from: number) =>
          mx.downloadStatementPdf(input.userGuid, input.memberGuid, input.statementGuid, {
            signal,
            into: writer,
            from,
            onStart: (contentLength, offset) => {
              // The server sent the whole file although the rest was asked for: drop what was kept.
              if (offset === 0 && writer.bytes > 0) writer.restart!();
              Object.assign(progress, { resumedFrom: offset, total: contentLength === null ? null : offset + contentLength });
              beat({ ...progress, bytes: writer.bytes, writtenBytes: writer.bytes, durableBytes: writer.durableBytes ?? 0 }, true);
            },
          });
        await fetch(writer.bytes).catch(async (error: unknown) => {
          if (!(error instanceof RangeNotHonouredError)) throw error;
          writer.restart!();
          await fetch(0);
        });
        signal?.throwIfAborted();
        return { ...(await writer.commit()), skipped: false };
      } catch (error) {
        if (worthResuming(error) && writer.release) {
          await writer.release();
          // Everything taken is in the file now (Temporal keeps the last details for people to see).
          beat({ ...progress, bytes: writer.bytes, writtenBytes: writer.bytes, durableBytes: writer.durableBytes ?? 0 }, true);
        } else {
          await writer.abort();
        }
        throw error;
      }
    },
  };
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
