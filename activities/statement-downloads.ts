// Guide step "Download a statement PDF", for all of a member's statements in one activity, a few at a
// time: the next PDF starts the moment one ends, with no trip through the workflow between them. Each
// PDF is the one-statement download (statements.ts): streamed, hashed, checked against content_hash,
// resumed with Range after a cut. A PDF that fails does not stop the others; the attempt ends once every
// PDF was tried, and its retry downloads only those left (the finished ones are in the heartbeat
// details), backing off from the last attempt that finished one.
import { ApplicationFailure } from '@temporalio/common';
import type { ActivityDeps } from './deps';
import { activityContext, heartbeater } from './context';
import { failureSinceProgress, invalidInput, toActivityFailure } from './failures';
import { downloadOneStatement, type DownloadProgress } from './statements';
import type { Activities, DownloadStatementResult, DownloadStatementsInput } from './types';

/** The heartbeat details of a batch: what is stored, and how far each download in flight got. */
export interface DownloadsProgress {
  /** Finished downloads by statement guid; the retry skips them. */
  done: Record<string, DownloadStatementResult>;
  inFlight: Record<string, DownloadProgress>;
  /** The last attempt that finished a download: retries back off from there. */
  progressAttempt?: number;
}

export function statementDownloadActivities(deps: ActivityDeps): Pick<Activities, 'downloadStatements'> {
  return {
    async downloadStatements(input) {
      checkInput(input);
      const context = activityContext();
      const previous = context?.info.heartbeatDetails as DownloadsProgress | undefined;
      const at: DownloadsProgress = { done: { ...(isProgress(previous) ? previous.done : {}) }, inFlight: {} };
      if (isProgress(previous) && previous.progressAttempt !== undefined) at.progressAttempt = previous.progressAttempt;
      const beat = heartbeater(deps.clock);
      const report = (force = false) => beat(structuredClone(at), force);
      const waiting = input.statements.filter((s) => !at.done[s.statementGuid]);
      let failure: unknown;
      const lane = async () => {
        for (let next = waiting.shift(); next; next = waiting.shift()) {
          const statement = next;
          try {
            const file = await downloadOneStatement(deps, { ...input.member, ...statement }, (progress, force) => {
              at.inFlight[statement.statementGuid] = progress;
              report(force);
            });
            at.done[statement.statementGuid] = file;
            at.progressAttempt = context?.info.attempt;
            report(true);
          } catch (error) {
            // A retry can fix it: the others go on. Otherwise no new PDF starts; those running end.
            failure ??= error;
            const verdict = toActivityFailure(error);
            if (verdict instanceof ApplicationFailure && verdict.nonRetryable) waiting.length = 0;
          } finally {
            delete at.inFlight[statement.statementGuid];
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(input.concurrency, waiting.length) }, lane));
      if (failure !== undefined) throw failureSinceProgress(failure, at.progressAttempt);
      return input.statements.map((s) => at.done[s.statementGuid]!);
    },
  };
}

function isProgress(details: unknown): details is DownloadsProgress {
  return typeof details === 'object' && details !== null && typeof (details as DownloadsProgress).done === 'object';
}

function checkInput(input: DownloadStatementsInput): void {
  if (!input?.member?.userGuid || !input.member.memberGuid)
    throw invalidInput('downloadStatements: member.userGuid and member.memberGuid are required');
  if (!Array.isArray(input.statements)) throw invalidInput('downloadStatements: statements must be a list');
  if (!Number.isInteger(input.concurrency) || input.concurrency < 1) {
    throw invalidInput(`downloadStatements: concurrency must be a positive integer, got ${JSON.stringify(input.concurrency)}`);
  }
  const guids = new Set(input.statements.map((s) => s?.statementGuid));
  if (guids.size !== input.statements.length) throw invalidInput('downloadStatements: each statement must appear once, by its guid');
}
