// Guide steps "List account data" and "List transaction data": every account of the member and every
// transaction in the window, into two NDJSON objects. Each page MX returns is stored as a staging part
// and checkpointed (heartbeat details) before the next page is asked for, so the retry after a transient
// fault resumes at the page that failed: a fault costs one request, not the export. The two objects are
// assembled from the parts at the end, so they hold exactly what a fault-free run writes and never
// appear partly written. Only counts and keys come back: records never ride through workflow history.
import type { MxClient } from '../src/mx/client';
import { isLastPage, type Page } from '../src/mx/pagination';
import type { PutOptions, Storage } from '../src/storage/types';
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
      // A copy, taken once the part is stored: the checkpoint never counts a page that is not.
      const save = async (key: string, page: Page<unknown>) => {
        await storage.put(
          key,
          page.items.map((item) => `${JSON.stringify(item)}\n`),
          { signal },
        );
        at.progressAttempt = activityContext()?.info.attempt;
        beat(structuredClone(at), true);
      };
      try {
        await exportPages(mx, input, at, signal, save, parts);
      } catch (error) {
        throw failureSinceProgress(error, at.progressAttempt);
      }
      // Assembling large exports takes a while: keep heartbeating the (final) checkpoint meanwhile.
      const done = structuredClone(at);
      return await publish(storage, input.keyPrefix, at, parts, { signal, onProgress: () => beat(done) });
    },
  };
}

type SavePage = (key: string, page: Page<unknown>) => Promise<void>;

/** Every page not stored yet: the accounts, then each account's transactions. */
async function exportPages(
  mx: MxClient,
  input: ExportInput,
  at: ExportCheckpoint,
  signal: AbortSignal | undefined,
  save: SavePage,
  parts: PartKeys,
) {
  while (!at.accountsListed) {
    const page = await mx.readMemberAccountsPage(input.userGuid, input.memberGuid, { page: at.accountPages + 1, signal });
    at.accounts.push(...page.items.map((a) => ({ guid: a.guid, name: a.name ?? null, type: a.type ?? null, transactions: 0 })));
    at.transactionPages.push(...page.items.map(() => 0));
    at.accountPages += 1;
    at.accountsListed = isLastPage(at.accountPages, page);
    await save(parts.accounts(at.accountPages), page);
  }
  while (at.account < at.accounts.length) {
    await exportNextTransactionPage(mx, input, at, signal, save, parts);
  }
}

/** Stores one page of the current account's transactions and moves the checkpoint past it. */
async function exportNextTransactionPage(
  mx: MxClient,
  input: ExportInput,
  at: ExportCheckpoint,
  signal: AbortSignal | undefined,
  save: SavePage,
  parts: PartKeys,
): Promise<void> {
  const index = at.account;
  const account = at.accounts[index]!;
  const number = at.transactionPages[index]! + 1;
  const window = { fromDate: input.fromDate, toDate: input.toDate };
  const page = await mx.readTransactionsByAccountPage(input.userGuid, account.guid, window, { page: number, signal });
  account.transactions += page.items.length;
  at.transactionPages[index] = number;
  if (isLastPage(number, page)) at.account += 1;
  await save(parts.transactions(index, number), page);
}

/** Assembles both objects from their parts in order, then drops the parts. */
async function publish(
  storage: Storage,
  keyPrefix: string,
  at: ExportCheckpoint,
  parts: PartKeys,
  options: PutOptions,
): Promise<ExportResult> {
  const { accountParts, transactionParts } = partsOf(at, parts);
  const accountsKey = `${keyPrefix}/accounts.ndjson`;
  const transactionsKey = `${keyPrefix}/transactions.ndjson`;
  await storage.put(accountsKey, concatenate(storage, accountParts), options);
  await storage.put(transactionsKey, concatenate(storage, transactionParts), options);
  for (const key of [...accountParts, ...transactionParts]) await storage.remove(key);
  const transactionCount = at.accounts.reduce((sum, account) => sum + account.transactions, 0);
  return { accountsKey, transactionsKey, accountCount: at.accounts.length, transactionCount, accounts: at.accounts };
}

async function* concatenate(storage: Storage, keys: string[]): AsyncGenerator<Uint8Array> {
  for (const key of keys) yield* storage.read(key) as AsyncIterable<Uint8Array>;
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
