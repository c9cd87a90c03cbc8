// Guide steps "List account data" and "List transaction data": every account of the member and every
// transaction in the window, streamed page by page into two NDJSON objects. Only counts and keys come
// back: records never ride through workflow history, and never sit in memory all at once.
import type { ActivityDeps } from './deps';
import { cancellation, heartbeater } from './context';
import { invalidInput } from './failures';
import type { AccountSummary, Activities, ExportInput } from './types';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function exportActivities({ mx, storage, clock }: ActivityDeps): Pick<Activities, 'exportAccountsAndTransactions'> {
  return {
    async exportAccountsAndTransactions(input) {
      checkExportInput(input);
      const signal = cancellation();
      const beat = heartbeater(clock);
      const { userGuid, memberGuid } = input;
      const accounts: AccountSummary[] = [];

      async function* accountLines() {
        for await (const account of mx.listMemberAccounts(userGuid, memberGuid, { signal })) {
          accounts.push({ guid: account.guid, name: account.name ?? null, type: account.type ?? null, transactions: 0 });
          beat({ phase: 'accounts', accounts: accounts.length });
          yield `${JSON.stringify(account)}\n`;
        }
      }
      let transactionCount = 0;
      async function* transactionLines() {
        for (const account of accounts) {
          const window = { fromDate: input.fromDate, toDate: input.toDate };
          for await (const transaction of mx.listTransactionsByAccount(userGuid, account.guid, window, { signal })) {
            account.transactions++;
            transactionCount++;
            beat({ phase: 'transactions', accounts: accounts.length, transactions: transactionCount });
            yield `${JSON.stringify(transaction)}\n`;
          }
        }
      }

      const accountsKey = `${input.keyPrefix}/accounts.ndjson`;
      const transactionsKey = `${input.keyPrefix}/transactions.ndjson`;
      await storage.put(accountsKey, accountLines(), { signal });
      await storage.put(transactionsKey, transactionLines(), { signal });
      beat({ phase: 'done', accounts: accounts.length, transactions: transactionCount }, true);
      return { accountsKey, transactionsKey, accountCount: accounts.length, transactionCount, accounts };
    },
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
  if (input.fromDate > input.toDate) throw invalidInput(`exportAccountsAndTransactions: fromDate ${input.fromDate} is after toDate ${input.toDate}`);
}
