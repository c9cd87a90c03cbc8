// The worker's log lines, one per entry, so `npm run worker | grep` and log shippers see whole events:
// the SDK's default prints meta with util.inspect, which spreads an error over 20–30 lines. Errors keep
// their type and message; their stack is kept (escaped, on the same line) only when it is not benign,
// since a retried MX fault's stack says nothing its message does not.
import { ApplicationFailure, ApplicationFailureCategory } from '@temporalio/common';
import type { LogEntry } from '@temporalio/worker';

export function logLine(entry: LogEntry): string {
  const at = new Date(Number(entry.timestampNanos / 1_000_000n)).toISOString();
  const meta = entry.meta && Object.keys(entry.meta).length > 0 ? ` ${JSON.stringify(entry.meta, errorsAsText)}` : '';
  return `${at} [${entry.level}] ${entry.message}${meta}`;
}

function errorsAsText(_key: string, value: unknown): unknown {
  if (!(value instanceof Error)) return value;
  const type = value instanceof ApplicationFailure && value.type ? ` (${value.type})` : '';
  const benign = value instanceof ApplicationFailure && value.category === ApplicationFailureCategory.BENIGN;
  return benign || !value.stack ? `${value.name}${type}: ${value.message}` : `${value.stack}${type}`;
}
