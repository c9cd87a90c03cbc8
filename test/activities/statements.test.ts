import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CancelledFailure } from '@temporalio/common';
import type { DownloadProgress } from '../../activities/statements';
import type { DownloadStatementResult, MemberRef, StatementInfo } from '../../activities/types';
import { failureOf, filesUnder, memberWithStatements, MockActivityEnvironment, startHarness, type Harness } from './setup';

let h: Harness;
let ref: MemberRef;
let statements: StatementInfo[];

beforeAll(async () => {
  h = await startHarness({ statementBytes: 2 * 1024 * 1024 });
  ({ ref, statements } = await memberWithStatements(h));
});
afterAll(() => h.close());

const input = (statement: StatementInfo, key: string) => ({
  ...ref,
  statementGuid: statement.guid,
  contentHash: statement.contentHash,
  key,
});
const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');

describe('listStatements', () => {
  it('lists every statement with its account and content hash', () => {
    expect(statements.length).toBeGreaterThanOrEqual(5);
    for (const s of statements) {
      expect(s.guid).toMatch(/^STA-/);
      expect(s.accountGuid).toMatch(/^ACT-/);
      expect(s.contentHash).toMatch(/^[0-9a-f]{64}$/);
    }
  });
});

describe('downloadStatement', () => {
  it('stores the verified PDF, then skips it when the same content is already there', async () => {
    const statement = statements[0]!;
    const key = `statements/${statement.guid}.pdf`;
    const env = new MockActivityEnvironment();
    const beats: { bytes: number }[] = [];
    env.on('heartbeat', (d: { bytes: number }) => beats.push(d));
    const stored = (await env.run(h.activities.downloadStatement, input(statement, key))) as DownloadStatementResult;
    expect(stored).toEqual({ key, bytes: 2 * 1024 * 1024, sha256: statement.contentHash, skipped: false });
    const path = join(h.root, key);
    expect(sha(await readFile(path))).toBe(statement.contentHash);
    expect(execFileSync('pdfinfo', [path]).toString()).toMatch(/Pages:\s+\d+/);
    expect(beats.length).toBeGreaterThan(0);

    const again = await h.activities.downloadStatement(input(statement, key));
    expect(again).toEqual({ ...stored, skipped: true });
  });

  it('publishes nothing on a hash mismatch and fails retryably', async () => {
    const statement = statements[1]!;
    const key = `mismatch/${statement.guid}.pdf`;
    const failure = await failureOf(h.activities.downloadStatement({ ...input(statement, key), contentHash: 'ab'.repeat(32) }));
    expect(failure).toMatchObject({ type: 'StatementHashMismatch', nonRetryable: false });
    expect(failure.message).toContain(statement.contentHash!);
    expect((await filesUnder(h.root)).filter((f) => f.startsWith('mismatch/'))).toEqual([]);
  });

  it('a connection cut mid-PDF publishes nothing, and the retry resumes with Range from the bytes on disk', async () => {
    const statement = statements[2]!;
    const key = `cut/${statement.guid}.pdf`;
    h.sandbox.setFaults({ pdfCut: { afterBytes: 1_500_000, next: 1 } });
    const first = new MockActivityEnvironment();
    const beats: DownloadProgress[] = [];
    first.on('heartbeat', (d: DownloadProgress) => beats.push(d));
    const failure = await failureOf(first.run(h.activities.downloadStatement, input(statement, key)));
    expect(failure).toMatchObject({ type: 'MxNetworkError', nonRetryable: false });
    // The bytes stay under the key's one partial name for the retry; nothing under the key itself.
    expect((await filesUnder(h.root)).filter((f) => f.startsWith('cut/'))).toEqual([`cut/.${statement.guid}.pdf.partial`]);

    const retry = new MockActivityEnvironment();
    const retryBeats: DownloadProgress[] = [];
    retry.on('heartbeat', (d: DownloadProgress) => retryBeats.push(d));
    const retried = (await retry.run(h.activities.downloadStatement, input(statement, key))) as DownloadStatementResult;
    expect(retried).toMatchObject({ key, sha256: statement.contentHash, bytes: 2 * 1024 * 1024, skipped: false });
    expect(beats.at(-1)!.writtenBytes).toBeGreaterThan(0);
    expect(retryBeats[0]).toMatchObject({ resumedFrom: beats.at(-1)!.writtenBytes, total: 2 * 1024 * 1024 });
    expect(sha(await readFile(join(h.root, key)))).toBe(statement.contentHash);
    expect((await filesUnder(h.root)).filter((f) => f.startsWith('cut/'))).toEqual([key]);
  });

  it('resumed bytes that do not belong to the PDF fail the hash, are dropped, and the next attempt starts over', async () => {
    const statement = statements[4]!;
    const key = `garbage/${statement.guid}.pdf`;
    await mkdir(join(h.root, 'garbage'), { recursive: true });
    await writeFile(join(h.root, `garbage/.${statement.guid}.pdf.partial`), Buffer.alloc(100_000, 0x78));
    const stale = new Date(Date.now() - 60_000);
    await utimes(join(h.root, `garbage/.${statement.guid}.pdf.partial`), stale, stale);
    const failure = await failureOf(h.activities.downloadStatement(input(statement, key)));
    expect(failure).toMatchObject({ type: 'StatementHashMismatch', nonRetryable: false });
    expect((await filesUnder(h.root)).filter((f) => f.startsWith('garbage/'))).toEqual([]);
    expect(await h.activities.downloadStatement(input(statement, key))).toMatchObject({ sha256: statement.contentHash, skipped: false });
  });

  it('stops promptly when Temporal cancels it, leaving no file', async () => {
    const statement = statements[3]!;
    const key = `cancelled/${statement.guid}.pdf`;
    h.sandbox.setFaults({ pdfBytesPerSecond: 100_000 });
    try {
      const env = new MockActivityEnvironment();
      const started = Date.now();
      const running = env.run(h.activities.downloadStatement, input(statement, key));
      setTimeout(() => env.cancel(), 300);
      const error = await running.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CancelledFailure);
      expect(Date.now() - started).toBeLessThan(2000);
      expect((await filesUnder(h.root)).filter((f) => f.startsWith('cancelled/'))).toEqual([]);
    } finally {
      h.sandbox.setFaults({});
    }
  });

  it('refuses a key that escapes storage as bad input', async () => {
    const failure = await failureOf(h.activities.downloadStatement(input(statements[0]!, '../outside.pdf')));
    expect(failure).toMatchObject({ type: 'InvalidActivityInput', nonRetryable: true });
  });
});

describe('writeJson', () => {
  it('writes the manifest atomically and returns its hash', async () => {
    const value = { run: 'r1', statements: statements.map((s) => s.guid) };
    const stored = await h.activities.writeJson({ key: 'runs/r1/manifest.json', value });
    const text = await readFile(join(h.root, 'runs/r1/manifest.json'));
    expect(JSON.parse(text.toString())).toEqual(value);
    expect(stored).toEqual({ key: 'runs/r1/manifest.json', bytes: text.length, sha256: sha(text) });
  });
});
