// Activity attempts as metrics, from outside the activities: retries (every attempt after the first),
// failed attempts by error type, and what completed exports and statement downloads produced.
import type { Context } from '@temporalio/activity';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import type { DownloadStatementResult, ExportResult } from '../../activities/types';
import { type GuideMetrics, typeLabel } from './guide-metrics';

export function activityMetricsInterceptor(metrics: GuideMetrics): ActivityInterceptorsFactory {
  return (ctx: Context) => ({
    inbound: {
      async execute(input, next) {
        const activity = typeLabel(ctx.info.activityType);
        if (ctx.info.attempt > 1) metrics.activityRetries.inc({ activity });
        let result: unknown;
        try {
          result = await next(input);
        } catch (error) {
          metrics.activityFailures.inc({ activity, type: errorType(error) });
          throw error;
        }
        countResult(metrics, activity, result);
        return result;
      },
    },
  });
}

function countResult(metrics: GuideMetrics, activity: string, result: unknown): void {
  if (activity === 'exportAccountsAndTransactions') {
    const { accountCount, transactionCount } = result as ExportResult;
    metrics.exportedRecords.inc({ kind: 'accounts' }, accountCount);
    metrics.exportedRecords.inc({ kind: 'transactions' }, transactionCount);
  } else if (activity === 'downloadStatement') {
    metrics.statements.inc({ result: (result as DownloadStatementResult).skipped ? 'skipped' : 'downloaded' });
  } else if (activity === 'downloadStatements') {
    for (const file of result as DownloadStatementResult[]) metrics.statements.inc({ result: file.skipped ? 'skipped' : 'downloaded' });
  }
}

/** ApplicationFailure's type, an MxError's type, else the error's class name. */
function errorType(error: unknown): string {
  if (error instanceof Error) return typeLabel((error as { type?: unknown }).type ?? error.name);
  return 'Other';
}
