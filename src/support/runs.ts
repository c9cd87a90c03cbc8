// What the support tool reads from and sends to the guide workflows: the runs waiting for MFA, one run's
// state, and the answers. Both front ends (CLI and web page) go through here and nothing else.
import { randomUUID } from 'node:crypto';
import { type Client, WorkflowUpdateFailedError } from '@temporalio/client';
import { answerMfaUpdate, type AnswerMfaResult, type MfaAnswer, type Progress, progressQuery } from '../../workflows/messages';
import { SupportError, toSupportError } from './errors';

/** The visibility query for the support queue. Visibility lags a little, so each hit is re-checked by query. */
export const WAITING_FOR_MFA = 'MxAwaitingMfa = true AND ExecutionStatus = "Running"';

export interface RunState {
  workflowId: string;
  runId: string;
  workflowType: string;
  /** Temporal's execution status: RUNNING, COMPLETED, FAILED, ... */
  status: string;
  startTime: Date;
  closeTime: Date | null;
  /** Null when the progress query could not be answered (see `problem`). */
  progress: Progress | null;
  problem: string | null;
}

export type AnswerOutcome =
  | { kind: 'applied'; result: AnswerMfaResult }
  /** The workflow's validator (or handler) refused the answers; nothing reached MX. */
  | { kind: 'rejected'; reason: string };

export interface RunsOptions {
  /** How long a progress query may take before the run is reported as unanswered. */
  queryTimeoutMs?: number;
  /** At most this many runs are listed (the oldest first in Temporal's order). */
  limit?: number;
  /**
   * Only runs whose workflow id contains this text, case-insensitively. Workflow ids name the user and
   * the institution, so an agent finds the caller's run by either; other runs cost no query.
   */
  match?: string;
}

const DEFAULT_QUERY_TIMEOUT_MS = 5_000;
const QUERY_CONCURRENCY = 8;

export async function listWaitingRuns(client: Client, options: RunsOptions = {}): Promise<RunState[]> {
  const limit = options.limit ?? 200;
  const found: RunState[] = [];
  try {
    const match = options.match?.trim().toLowerCase() ?? '';
    for await (const execution of client.workflow.list({ query: WAITING_FOR_MFA, pageSize: Math.min(limit, 100) })) {
      if (!execution.workflowId.toLowerCase().includes(match)) continue;
      found.push({
        workflowId: execution.workflowId,
        runId: execution.runId,
        workflowType: execution.type,
        status: execution.status.name,
        startTime: execution.startTime,
        closeTime: execution.closeTime ?? null,
        progress: null,
        problem: null,
      });
      if (found.length >= limit) break;
    }
  } catch (err) {
    throw toSupportError(err);
  }
  const runs = await mapLimited(found, QUERY_CONCURRENCY, (run) => withProgress(client, run, options));
  return runs.filter((run) => run.progress === null || run.progress.mfa.awaiting);
}

/** One run by workflow id (its latest run), with its progress when the workflow can answer. */
export async function getRun(client: Client, workflowId: string, options: RunsOptions = {}): Promise<RunState> {
  if (!workflowId.trim()) throw new SupportError('bad-input', 'The workflow id is empty.');
  let run: RunState;
  try {
    const description = await client.workflow.getHandle(workflowId).describe();
    run = {
      workflowId,
      runId: description.runId,
      workflowType: description.type,
      status: description.status.name,
      startTime: description.startTime,
      closeTime: description.closeTime ?? null,
      progress: null,
      problem: null,
    };
  } catch (err) {
    throw toSupportError(err, workflowId);
  }
  return await withProgress(client, run, options);
}

/** The run's current challenges; throws a SupportError naming what the run does instead when it is not waiting. */
export function requireWaiting(run: RunState): Progress & { mfa: { awaiting: true } } {
  if (run.progress?.mfa.awaiting) return run.progress as Progress & { mfa: { awaiting: true } };
  if (run.status !== 'RUNNING') {
    throw new SupportError(
      'not-waiting',
      `Run ${JSON.stringify(run.workflowId)} is not waiting for MFA: it is ${run.status.toLowerCase()}.`,
    );
  }
  if (!run.progress)
    throw new SupportError('not-waiting', run.problem ?? `Run ${JSON.stringify(run.workflowId)} did not report its progress.`);
  throw new SupportError(
    'not-waiting',
    `Run ${JSON.stringify(run.workflowId)} is not waiting for MFA: it is at step ${run.progress.step} (${run.progress.waitingFor}).`,
  );
}

/**
 * Sends the answers through the `answerMfa` update and waits for what MX did with them.
 * `updateId` makes a resubmitted form or a retried command land once.
 */
export async function sendAnswers(
  client: Client,
  run: Pick<RunState, 'workflowId' | 'runId'>,
  answers: MfaAnswer[],
  updateId: string = `support-${randomUUID()}`,
): Promise<AnswerOutcome> {
  const handle = client.workflow.getHandle(run.workflowId, run.runId);
  try {
    const result = await handle.executeUpdate(answerMfaUpdate, { args: [{ answers }], updateId });
    return { kind: 'applied', result };
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) {
      return { kind: 'rejected', reason: err.cause?.message || err.message };
    }
    throw toSupportError(err, run.workflowId);
  }
}

async function withProgress(client: Client, run: RunState, options: RunsOptions): Promise<RunState> {
  const deadline = Date.now() + (options.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS);
  try {
    const handle = client.workflow.getHandle(run.workflowId, run.runId);
    const progress = await client.withDeadline(deadline, () => handle.query(progressQuery));
    return { ...run, progress };
  } catch (err) {
    const problem = toSupportError(err, run.workflowId);
    // One run that cannot answer (no worker, not a guide workflow) must not hide the others.
    if (problem.kind === 'unreachable') throw problem;
    return { ...run, problem: problem.message };
  }
}

async function mapLimited<T, R>(items: T[], concurrency: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
  return results;
}
