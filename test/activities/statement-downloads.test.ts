// downloadStatements: all of a member's PDFs in one activity, a few at a time, against the sandbox.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DownloadsProgress } from '../../activities/statement-downloads';
import type { DownloadStatementResult, MemberRef, StatementInfo } from '../../activities/types';
import { failureOf, filesUnder, memberWithStatements, MockActivityEnvironment, startHarness, type Harness } from './setup';

let h: Harness;
let ref: MemberRef;
let statements: StatementInfo[];

beforeAll(async () => {
  h = await startHarness({ statementBytes: 1024 * 1024 });
  ({ ref, statements } = await memberWithStatements(h));
});
afterAll(() => h.close());

const batch = (prefix: string, concurrency = 3) => ({
  member: ref,
  statements: statements.map((s) => ({ statementGuid: s.guid, contentHash: s.contentHash, key: `${prefix}/${s.guid}.pdf` })),
  concurrency,
});
const sha = async (key: string) =>
  createHash('sha256')
    .update(await readFile(join(h.root, key)))
    .digest('hex');

describe('downloadStatements', () => {
  it('stores every PDF, verified, with the results in the order asked', async () => {
    const files = (await new MockActivityEnvironment().run(h.activities.downloadStatements, batch('all'))) as DownloadStatementResult[];
    expect(statements.length).toBeGreaterThanOrEqual(5);
    expect(files.map((f) => f.key)).toEqual(statements.map((s) => `all/${s.guid}.pdf`));
    for (const [i, file] of files.entries()) {
      expect(file).toMatchObject({ bytes: 1024 * 1024, sha256: statements[i]!.contentHash, skipped: false });
      expect(await sha(file.key)).toBe(statements[i]!.contentHash);
    }
    const again = await h.activities.downloadStatements(batch('all'));
    expect(again.every((f) => f.skipped)).toBe(true);
  });

  it('a PDF cut mid-way fails the attempt only after the others are stored; the retry fetches just the rest, resuming with Range', async () => {
    h.sandbox.setFaults({ pdfCut: { afterBytes: 600_000, next: 1 } });
    const first = new MockActivityEnvironment();
    let last: DownloadsProgress | undefined;
    first.on('heartbeat', (d: DownloadsProgress) => (last = d));
    const failure = await failureOf(first.run(h.activities.downloadStatements, batch('cut', 2)));
    expect(failure).toMatchObject({ type: 'MxNetworkError', nonRetryable: false });
    expect(Object.keys(last!.done)).toHaveLength(statements.length - 1);
    const cut = statements.find((s) => !last!.done[s.guid])!;
    expect((await filesUnder(h.root)).filter((f) => f.startsWith('cut/.'))).toEqual([`cut/.${cut.guid}.pdf.partial`]);

    const retry = new MockActivityEnvironment({ heartbeatDetails: last, attempt: 2 });
    const resumed: DownloadsProgress[] = [];
    retry.on('heartbeat', (d: DownloadsProgress) => resumed.push(d));
    const files = (await retry.run(h.activities.downloadStatements, batch('cut', 2))) as DownloadStatementResult[];
    expect(files.map((f) => f.sha256)).toEqual(statements.map((s) => s.contentHash));
    expect(resumed.some((d) => (d.inFlight[cut.guid]?.resumedFrom ?? 0) > 0)).toBe(true);
    expect(Object.keys(resumed[0]!.inFlight)).toEqual([cut.guid]);
    expect((await filesUnder(h.root)).filter((f) => f.startsWith('cut/')).sort()).toEqual(
      statements.map((s) => `cut/${s.guid}.pdf`).sort(),
    );
  });

  it('names the problem with its input', async () => {
    const failure = await failureOf(h.activities.downloadStatements({ ...batch('bad'), concurrency: 0 }));
    expect(failure).toMatchObject({ type: 'InvalidActivityInput', nonRetryable: true });
    expect(failure.message).toMatch(/concurrency must be a positive integer/);
  });
});
