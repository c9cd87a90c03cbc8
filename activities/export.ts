// Guide steps "List account data" and "List transaction data": every account of the member and every
// transaction in the window, into two NDJSON objects. Each page MX returns is stored as a staging part
// and checkpointed (heartbeat details) before the next page is asked for, so the retry after a transient
// fault resumes at the page that failed: a fault costs one request, not the export. The two objects are
// written as the pages come (an attempt that resumes first copies the parts stored before it) and
// published only at the end, so they hold exactly what a fault-free run writes and never appear partly
// written. Only counts and keys come back: records never ride through workflow history.
//
// Issue 15's P4 (bench/export-volume.ts): the request for the next page goes out while the current
// page's part is being stored (the checkpoint still counts only stored parts: a page is applied to it
// only once the part before it is stored), and the objects are filled page by page instead of being
// assembled from the parts at the end, so storage hides behind MX's own time.
import type { MxClient } from '../src/mx/client';
import { isLastPage } from '../src/mx/pagination';
import type { ObjectWriter, Storage } from '../src/storage/types';
import type { ActivityDeps } from './deps';
import { activityContext, cancellation, heartbeater } from './context';
import { failureSinceProgress, invalidInput } from './failures';
import type { AccountSummary, Activities, ExportInput, ExportResult } from './types';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** How far an export got; the heartbeat details, so the next attempt starts where this one stopped. */
export interface ExportCheckpoint {
  /** The accounts listed so far, each with the transactions stored so far. */
  accounts: AccountSummary[];
  /** Pages of accounts stored, and whether the last of them is. */
  accountPages: number;
  accountsListed: boolean;
  /** Pages of transactions stored, per account (same order as `accounts`). */
  transactionPages: number[];
  /** The account whose transactions come next; `accounts.length` once all are stored. */
  account: number;
  /** The last attempt that stored a page: retries back off from there. */
  progressAttempt?: number;
}

export function exportActivities({ mx, storage, clock }: ActivityDeps): Pick<Activities, 'exportAccountsAndTransactions'> {
  return {
    async exportAccountsAndTransactions(input) {
      checkExportInput(input);
      const signal = cancellation();
      const beat = heartbeater(clock);
      const parts = partKeys(input.keyPrefix);
      const at = await resumeFrom(activityContext()?.info.heartbeatDetails, parts, storage);
      const objects = await openObjects(storage, input.keyPrefix, at, parts, signal);
      // The checkpoint is copied once the part is stored: it never counts a page that is not.
      const save = async (key: string, bytes: Buffer) => {
        await storage.put(key, [bytes], { signal });
        at.progressAttempt = activityContext()?.info.attempt;
        beat(structuredClone(at), true);
      };
      try {
        try {
          await exportPages(mx, input, at, signal, save, parts, objects);
        } catch (error) {
          throw failureSinceProgress(error, at.progressAttempt);
        }
        return await publish(storage, at, parts, objects);
      } finally {
        await objects.abort();
      }
    },
  };
}

/**
 * A page as NDJSON in one string: one write and one hash update per page instead of one per record
 * (issue 15's P4 profile). Records are MX's as parsed (schemas.ts bulkListEnvelope keeps them as sent).
 */
function ndjson(items: readonly unknown[]): string {
  let text = '';
  for (const item of items) text += `${JSON.stringify(item)}\n`;
  return text;
}

type SavePage = (key: string, bytes: Buffer) => Promise<void>;

/** A page read from MX: its part's key, the object it belongs to, and how it moves the checkpoint. */
interface PageRead {
  items: readonly unknown[];
  key: string;
  object: 'accounts' | 'transactions';
  apply(): void;
}

/**
 * Every page not stored yet: the accounts, then each account's transactions. The next page is asked
 * for while the current one's part is stored; it is applied to the checkpoint only after that part is.
 */
async function exportPages(
  mx: MxClient,
  input: ExportInput,
  at: ExportCheckpoint,
  signal: AbortSignal | undefined,
  save: SavePage,
  parts: PartKeys,
  objects: Objects,
) {
  let storing: Promise<void> = Promise.resolve();
  for (let next = readNext(mx, input, at, signal, parts); next; next = readNext(mx, input, at, signal, parts)) {
    const read = next;
    read.catch(() => undefined); // its failure is thrown below, once the part in flight is stored
    try {
      await storing;
    } catch (error) {
      await read.catch(() => undefined); // nothing of this attempt keeps running after it failed
      throw error;
    }
    const page = await read;
    page.apply();
    const bytes = Buffer.from(ndjson(page.items)); // encoded once, for the object and for the part
    await objects.write(page.object, bytes);
    storing = save(page.key, bytes);
    storing.catch(() => undefined); // thrown by the await above or below
  }
  await storing;
}

/** The request for the page the checkpoint says comes next, or null when every page is stored. */
function readNext(
  mx: MxClient,
  input: ExportInput,
  at: ExportCheckpoint,
  signal: AbortSignal | undefined,
  parts: PartKeys,
): Promise<PageRead> | null {
  if (!at.accountsListed) {
    const number = at.accountPages + 1;
    return mx.readMemberAccountsPage(input.userGuid, input.memberGuid, { page: number, signal }).then((page) => ({
      items: page.items,
      key: parts.accounts(number),
      object: 'accounts' as const,
      apply() {
        at.accounts.push(...page.items.map((a) => ({ guid: a.guid, name: a.name ?? null, type: a.type ?? null, transactions: 0 })));
        at.transactionPages.push(...page.items.map(() => 0));
        at.accountPages = number;
        at.accountsListed = isLastPage(number, page);
      },
    }));
  }
  if (at.account >= at.accounts.length) return null;
  const index = at.account;
  const account = at.accounts[index]!;
  const number = at.transactionPages[index]! + 1;
  const window = { fromDate: input.fromDate, toDate: input.toDate };
  return mx.readTransactionsByAccountPage(input.userGuid, account.guid, window, { page: number, signal }).then((page) => ({
    items: page.items,
    key: parts.transactions(index, number),
    object: 'transactions' as const,
    apply() {
      account.transactions += page.items.length;
      at.transactionPages[index] = number;
      if (isLastPage(number, page)) at.account += 1;
    },
  }));
}

/** The two objects being written; nothing is visible under their keys until publish() commits them. */
interface Objects {
  accounts: ObjectWriter;
  transactions: ObjectWriter;
  write(object: 'accounts' | 'transactions', bytes: Uint8Array): Promise<void>;
  /** Drops whatever was not committed (safe after commit, and more than once). */
  abort(): Promise<void>;
}

/** Opens both objects and copies into them, in order, the parts an earlier attempt stored. */
async function openObjects(
  storage: Storage,
  keyPrefix: string,
  at: ExportCheckpoint,
  parts: PartKeys,
  signal: AbortSignal | undefined,
): Promise<Objects> {
  const accounts = await storage.create(`${keyPrefix}/accounts.ndjson`, { signal });
  const transactions = await storage.create(`${keyPrefix}/transactions.ndjson`, { signal }).catch(async (error: unknown) => {
    await accounts.abort();
    throw error;
  });
  const objects: Objects = {
    accounts,
    transactions,
    async write(object, bytes) {
      const writer = objects[object];
      if (!writer.write(bytes)) await writer.drained();
    },
    async abort() {
      await Promise.all([accounts.abort(), transactions.abort()]);
    },
  };
  try {
    const { accountParts, transactionParts } = partsOf(at, parts);
    for (const [writer, keys] of [
      [accounts, accountParts],
      [transactions, transactionParts],
    ] as const) {
      for (const key of keys) {
        for await (const chunk of storage.read(key) as AsyncIterable<Uint8Array>) if (!writer.write(chunk)) await writer.drained();
      }
    }
  } catch (error) {
    await objects.abort();
    throw error;
  }
  return objects;
}

/** Publishes both objects, then drops the parts. */
async function publish(storage: Storage, at: ExportCheckpoint, parts: PartKeys, objects: Objects): Promise<ExportResult> {
  const { accountParts, transactionParts } = partsOf(at, parts);
  const { key: accountsKey } = await objects.accounts.commit();
  const { key: transactionsKey } = await objects.transactions.commit();
  await Promise.all([...accountParts, ...transactionParts].map((key) => storage.remove(key)));
  const transactionCount = at.accounts.reduce((sum, account) => sum + account.transactions, 0);
  return { accountsKey, transactionsKey, accountCount: at.accounts.length, transactionCount, accounts: at.accounts };
}

const PART_NAME = /^\.(accounts\.page-\d+|transactions\.account-\d+\.page-\d+)\.part$/;

/** A staging part's file name (partKeys), for the worker's sweep of exports that ended for good. */
export function isExportPartName(name: string): boolean {
  return PART_NAME.test(name);
}

interface PartKeys {
  accounts(page: number): string;
  transactions(account: number, page: number): string;
}

/** Hidden siblings of the objects they make up, named by position so a retry overwrites, never adds. */
function partKeys(keyPrefix: string): PartKeys {
  return {
    accounts: (page) => `${keyPrefix}/.accounts.page-${page}.part`,
    transactions: (account, page) => `${keyPrefix}/.transactions.account-${account}.page-${page}.part`,
  };
}

/**
 * The checkpoint of the previous attempt, if every part it counts is still stored; otherwise (first
 * attempt, or parts lost after a crash during the final clean-up) a fresh start, which is always correct.
 */
async function resumeFrom(details: unknown, parts: PartKeys, storage: Storage): Promise<ExportCheckpoint> {
  const fresh: ExportCheckpoint = { accounts: [], accountPages: 0, accountsListed: false, transactionPages: [], account: 0 };
  const saved = details as ExportCheckpoint | undefined;
  if (!saved || !Array.isArray(saved.accounts) || !Array.isArray(saved.transactionPages)) return fresh;
  const { accountParts, transactionParts } = partsOf(saved, parts);
  for (const key of [...accountParts, ...transactionParts]) if (!(await storage.exists(key))) return fresh;
  return saved;
}

/** Every part a checkpoint counts, in the order the objects are assembled. */
function partsOf(at: ExportCheckpoint, parts: PartKeys): { accountParts: string[]; transactionParts: string[] } {
  const pages = (count: number, key: (page: number) => string) => Array.from({ length: count }, (_, i) => key(i + 1));
  return {
    accountParts: pages(at.accountPages, parts.accounts),
    transactionParts: at.transactionPages.flatMap((count, index) => pages(count, (page) => parts.transactions(index, page))),
  };
}

function checkExportInput(input: ExportInput): void {
  if (!input?.userGuid || !input.memberGuid) throw invalidInput('exportAccountsAndTransactions: userGuid and memberGuid are required');
  if (!input.keyPrefix) throw invalidInput('exportAccountsAndTransactions: keyPrefix is required');
  for (const field of ['fromDate', 'toDate'] as const) {
    const value = input[field];
    if (typeof value !== 'string' || !DATE.test(value) || Number.isNaN(Date.parse(value))) {
      throw invalidInput(`exportAccountsAndTransactions: ${field} must be a date as YYYY-MM-DD, got ${JSON.stringify(value)}`);
    }
  }
  if (input.fromDate > input.toDate)
    throw invalidInput(`exportAccountsAndTransactions: fromDate ${input.fromDate} is after toDate ${input.toDate}`);
}
