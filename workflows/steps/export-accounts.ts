// Guide steps "List account data" and "List transaction data": the activity pages through MX and writes
// NDJSON to storage; only keys and counts come back through history.
import type { AccountSummary } from '../../activities/types';
import { bulk } from '../activity-proxies';
import type { GuideRun } from '../guide-run';
import { FAILURES } from '../../src/failures/catalogue';
import { failRun } from '../../src/failures/raise';

const DEFAULT_WINDOW_DAYS = 90;
const DAY_MS = 86_400_000;

export interface Window {
  fromDate: string;
  toDate: string;
}

/** The run manifest's `accounts` section. */
export interface AccountsSection {
  count: number;
  transactionCount: number;
  accountsKey: string;
  transactionsKey: string;
  perAccount: AccountSummary[];
}

export async function exportAccounts(run: GuideRun, keyPrefix: string): Promise<{ window: Window; accounts: AccountsSection }> {
  const window = transactionWindow(run);
  run.step('EXPORTING_ACCOUNTS', `Exporting accounts and transactions from ${window.fromDate} to ${window.toDate}.`);
  const exported = await bulk.exportAccountsAndTransactions.executeWithOptions({ summary: `export ${window.fromDate}..${window.toDate}` }, [
    { ...run.memberRef(), ...window, keyPrefix },
  ]);
  return {
    window,
    accounts: {
      count: exported.accountCount,
      transactionCount: exported.transactionCount,
      accountsKey: exported.accountsKey,
      transactionsKey: exported.transactionsKey,
      perAccount: exported.accounts,
    },
  };
}

/** Default: the last 90 days up to today (workflow time, so replay gives the same dates). */
function transactionWindow(run: GuideRun): Window {
  const { fromDate, toDate } = run.options;
  const to = toDate ?? isoDay(Date.now());
  const from = fromDate ?? isoDay(Date.parse(to) - DEFAULT_WINDOW_DAYS * DAY_MS);
  if (from > to) failRun(FAILURES.invalidInput, `Invalid workflow input:\n- fromDate: must not be after toDate (${to})`);
  return { fromDate: from, toDate: to };
}

function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
