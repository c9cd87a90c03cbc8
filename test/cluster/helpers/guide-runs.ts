// Starting guide runs on the cluster and answering their MFA as a support person would: find the runs
// waiting through the MxAwaitingMfa search attribute (PostgreSQL visibility on this cluster), read the
// challenge with the progress query, answer it with the answerMfa update.
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { GuideInput } from '../../../workflows/input';
import { answerMfaUpdate, progressQuery, type AnswerMfaResult, type WorkflowTypeName } from '../../../workflows/messages';

/** Fast but honest timings (the sandbox's jobs take 400 ms), with room for 100 runs on two shared cores and a worker's death. */
export const CLUSTER_TIMINGS = {
  polling: { initialInterval: '200ms', maxInterval: '1s', deadline: '5m' },
  mfa: { timeout: '5m' },
  retries: { endStates: 1, conflictInterval: '200ms' },
} satisfies Partial<GuideInput>;

export interface GuideRun {
  type: WorkflowTypeName;
  userId: string;
  /** The sandbox asks MFA when the password is "challenge". */
  mfa: boolean;
  handle: WorkflowHandle;
}

export async function startGuideRun(
  client: Client,
  taskQueue: string,
  type: WorkflowTypeName,
  userId: string,
  mfa: boolean,
): Promise<GuideRun> {
  const input: GuideInput = {
    userId,
    institutionCode: 'mxbank',
    credentials: { username: 'mxuser', password: mfa ? 'challenge' : 'password' },
    ...CLUSTER_TIMINGS,
    statements: { concurrency: 4 },
  } as GuideInput;
  const handle = await client.workflow.start(type, { taskQueue, workflowId: `${type}-${userId}`, args: [input] });
  return { type, userId, mfa, handle };
}

/**
 * Answers every MFA challenge of the runs on `taskQueue` until stop() is called; returns what each
 * answer did, by workflow id. Errors of one round (a query to a worker just killed) are retried next round.
 */
export function answerMfaWhileRunning(
  client: Client,
  taskQueue: string,
): { answers: Map<string, AnswerMfaResult[]>; stop(): Promise<void> } {
  const answers = new Map<string, AnswerMfaResult[]>();
  const answering = new Set<string>();
  let stopped = false;
  const answer = async (workflowId: string) => {
    const handle = client.workflow.getHandle(workflowId);
    const progress = await handle.query(progressQuery);
    if (!progress.mfa.awaiting || !progress.mfa.challenges.length) return;
    const result = await handle.executeUpdate(answerMfaUpdate, {
      args: [{ answers: progress.mfa.challenges.map((c) => ({ guid: c.guid, value: 'correct' })) }],
    });
    answers.set(workflowId, [...(answers.get(workflowId) ?? []), result]);
  };
  const loop = (async () => {
    while (!stopped) {
      try {
        for await (const run of client.workflow.list({
          query: `TaskQueue = '${taskQueue}' AND MxAwaitingMfa = true AND ExecutionStatus = 'Running'`,
        })) {
          if (answering.has(run.workflowId)) continue;
          answering.add(run.workflowId);
          void answer(run.workflowId)
            .catch(() => undefined)
            .finally(() => answering.delete(run.workflowId));
        }
      } catch {
        // Visibility unavailable for a moment: the next round asks again.
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  })();
  return {
    answers,
    async stop() {
      stopped = true;
      await loop;
    },
  };
}
