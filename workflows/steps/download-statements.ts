// Guide steps "List the available statements" and "Download a statement PDF", for every statement,
// a few at a time. Each PDF is streamed to storage and checked against MX's content_hash by the activity.
// One activity downloads them all (activities/statement-downloads.ts), so the next PDF starts as soon as
// one ends; runs recorded before that scheduled one activity per PDF, and replay so.
import type { DownloadStatementResult, StatementInfo } from '../../activities/types';
import { bulk, bulkStatements, fewerRoundTrips, mxShort } from '../activity-proxies';
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

  const stored = fewerRoundTrips() ? await downloadAll(run, keyPrefix, statements) : await downloadEach(run, keyPrefix, statements);
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

async function downloadAll(run: GuideRun, keyPrefix: string, statements: StatementInfo[]): Promise<StoredStatement[]> {
  if (statements.length === 0) return [];
  const { concurrency } = run.options.statements;
  const files = await bulkStatements.downloadStatements.executeWithOptions(
    { summary: `${statements.length} statement(s), ${concurrency} at a time` },
    [
      {
        member: run.memberRef(),
        statements: statements.map((s) => ({ statementGuid: s.guid, contentHash: s.contentHash, key: statementKey(keyPrefix, s) })),
        concurrency,
      },
    ],
  );
  return statements.map((statement, index) => ({ ...statement, ...files[index]! }));
}

/** As runs recorded before the one-activity download ran: one activity per PDF, in lanes. */
async function downloadEach(run: GuideRun, keyPrefix: string, statements: StatementInfo[]): Promise<StoredStatement[]> {
  const ref = run.memberRef();
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
  return stored;
}

/** Stable across runs, so a re-run finds the same file and skips the download. */
function statementKey(prefix: string, statement: StatementInfo): string {
  return `${prefix}/statements/${statement.accountGuid ?? 'no-account'}/${statement.guid}.pdf`;
}
