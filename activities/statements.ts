// Guide steps "List the available statements" and "Download a statement PDF". The PDF is pushed from
// the socket straight into storage, hashed on the way; it is published only when the hash matches MX's
// content_hash, and skipped when storage already holds exactly that content.
import type { ActivityDeps } from './deps';
import { cancellation, heartbeater } from './context';
import { invalidInput } from './failures';
import { toStatementInfo } from './mappers';
import type { Activities, DownloadStatementInput, StatementInfo } from './types';

const SHA256_HEX = /^[0-9a-fA-F]{64}$/;

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
      let total: number | null = null;
      const writer = await storage.create(input.key, { expectedSha256: expected, onProgress: (bytes) => beat({ bytes, total }) });
      let stored;
      try {
        await mx.downloadStatementPdf(input.userGuid, input.memberGuid, input.statementGuid, {
          signal,
          into: writer,
          onStart: (contentLength) => void (total = contentLength),
        });
        signal?.throwIfAborted();
        stored = await writer.commit();
      } catch (error) {
        await writer.abort();
        throw error;
      }
      return { ...stored, skipped: false };
    },
  };
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
