// What a statement says: the account, the month, and that month's transactions (the same ones the
// transaction endpoints return).
import { accountView } from './accounts';
import type { StatementContent } from './statement-pdf';
import type { Member, Statement } from './store';
import { parseIsoDate, type TransactionContext, transactionsBetween } from './transactions';

const MAX_LINES = 30;

export function statementContent(context: TransactionContext, member: Member, statement: Statement): StatementContent {
  const account = member.accounts?.find((a) => a.guid === statement.accountGuid);
  if (!account) throw new Error(`statement ${statement.guid} has no account`);
  const view = accountView(context.seed, account, member, context.userId);
  const firstDay = parseIsoDate(`${statement.month}-01`)!;
  const [year, month] = statement.month.split('-').map(Number) as [number, number];
  const lastDay = firstDay + new Date(Date.UTC(year, month, 0)).getUTCDate() - 1;
  const transactions = transactionsBetween(context, member, account, firstDay, lastDay, MAX_LINES);
  const lines = [
    `Account: ${String(view.name)} (ending ${String(view.account_number)})`,
    `Period: ${statement.month}-01 to ${new Date(lastDay * 86_400_000).toISOString().slice(0, 10)}`,
    `Statement: ${statement.guid}`,
    `Balance: ${String(view.balance)} USD`,
    '',
    ...transactions.map((t) => `${String(t.date)}  ${String(t.type).padEnd(6)} ${String(t.amount).padStart(10)}  ${String(t.description)}`),
  ];
  if (transactions.length === 0) lines.push('No transactions this period.');
  return { title: `MX Bank statement ${statement.month}`, lines, date: new Date(`${statement.month}-01T00:00:00Z`) };
}
