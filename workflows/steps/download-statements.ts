// Guide steps "List the available statements" and "Download a statement PDF", for every statement,
// a few at a time. Each PDF is streamed to storage and checked against MX's content_hash by the activity.
import type { DownloadStatementResult, StatementInfo } from '../../activities/types';
import { bulk, mxShort } from '../activity-proxies';
import type { GuideRun } from '../guide-run';

export interface StoredStatement extends DownloadStatementResult {
  guid: string;
  accountGuid: string | null;
  contentHash: string | null;
  createdAt: string | null;
}

/** The run manifest's `statements` section. */
export interface StatementsSection {
  count: number;
  totalBytes: number;
  files: Pick<StoredStatement, 'guid' | 'accountGuid' | 'key' | 'bytes' | 'sha256' | 'contentHash' | 'skipped'>[];
}

export async function downloadStatements(run: GuideRun, keyPrefix: string): Promise<StatementsSection> {
  const ref = run.memberRef();
  run.step('DOWNLOADING_STATEMENTS', 'Listing the statements MX holds for the member.');
  const statements = await mxShort().listStatements.executeWithOptions({ summary: 'list statements' }, [ref]);
  run.waiting(`Downloading ${statements.length} statement PDF(s), ${run.options.statements.concurrency} at a time.`);

  const stored: StoredStatement[] = new Array(statements.length);
  let next = 0;
  const downloadInTurn = async () => {
    while (next < statements.length) {
      const index = next++;
      const statement = statements[index] as StatementInfo;
      const file = await bulk.downloadStatement.executeWithOptions({ summary: `statement ${index + 1} of ${statements.length}` }, [
        { ...ref, statementGuid: statement.guid, contentHash: statement.contentHash, key: statementKey(keyPrefix, statement) },
      ]);
      stored[index] = { ...statement, ...file };
    }
  };
  const lanes = Math.min(run.options.statements.concurrency, statements.length);
  await Promise.all(Array.from({ length: lanes }, downloadInTurn));
  return {
    count: stored.length,
    totalBytes: stored.reduce((sum, f) => sum + f.bytes, 0),
    files: stored.map(({ guid, accountGuid, key, bytes, sha256, contentHash, skipped }) => ({
      guid,
      accountGuid,
      key,
      bytes,
      sha256,
      contentHash,
      skipped,
    })),
  };
}

/** Stable across runs, so a re-run finds the same file and skips the download. */
function statementKey(prefix: string, statement: StatementInfo): string {
  return `${prefix}/statements/${statement.accountGuid ?? 'no-account'}/${statement.guid}.pdf`;
}
