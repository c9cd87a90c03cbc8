/* eslint-disable @typescript-eslint/no-explicit-any -- wire JSON from the sandbox */
// What the refresh tests share: the sandbox's truth for a member, the stored state and change sets read
// back from storage, and a refresh started like a person (or a schedule) would.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import type { StatePointer } from '../../activities/reconcile';
import type { Change, StateRecord } from '../../src/reconcile/types';
import { refreshWorkflowId } from '../../src/schedules/refresh-ids';
import type { RefreshMemberInput } from '../../workflows/refresh-member';
import { SANDBOX_API_KEY, SANDBOX_CLIENT_ID } from '../../src/config';
import { uniqueName } from '../helpers/temporal';
import { FAST, type GuideEnv } from '../workflows/guide-env';

export const DAY_MS = 86_400_000;

/**
 * The sandbox's clock runs days ahead of the workflow's in these tests, so the re-read reaches 20 days
 * past the workflow's today instead of MX's 5 (a real MX and worker share one calendar).
 */
export const REFRESH_FAST = {
  polling: FAST.polling,
  mfa: FAST.mfa,
  retries: FAST.retries,
  lookaheadDays: 20,
} satisfies Partial<RefreshMemberInput>;

export async function startRefresh(env: GuideEnv, input: RefreshMemberInput, taskQueue = env.taskQueue): Promise<WorkflowHandle> {
  return await env.client.workflow.start('refreshMember', {
    taskQueue,
    workflowId: input.memberGuid ? refreshWorkflowId(input.userId, input.memberGuid) : uniqueName(`refresh-member-${input.userId}`),
    args: [{ ...REFRESH_FAST, ...input }],
  });
}

/** Every transaction the sandbox holds for the member from `fromDate` on, by guid. */
export async function sandboxTruth(env: GuideEnv, userGuid: string, memberGuid: string, fromDate: string): Promise<Map<string, any>> {
  const all = new Map<string, any>();
  for (let page = 1; ; page++) {
    const body = await env.sandboxGet<any>(
      `/users/${userGuid}/members/${memberGuid}/transactions?from_date=${fromDate}&to_date=2100-01-01&records_per_page=1000&page=${page}`,
    );
    for (const t of body.transactions) all.set(t.guid, t);
    if (page >= body.pagination.total_pages) return all;
  }
}

const lines = (path: string) =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));

export function readPointerFile(env: GuideEnv, userId: string, memberGuid: string): StatePointer {
  return JSON.parse(readFileSync(join(env.storageDir, `refresh/${userId}/${memberGuid}/state.json`), 'utf8')) as StatePointer;
}

export function storedState(env: GuideEnv, userId: string, memberGuid: string): Map<string, StateRecord> {
  const pointer = readPointerFile(env, userId, memberGuid);
  const records = lines(join(env.storageDir, pointer.stateKey)) as StateRecord[];
  const guids = records.map((r) => r.guid);
  if (guids.join() !== [...guids].sort().join()) throw new Error('the state file is not sorted by guid');
  return new Map(records.map((r) => [r.guid, r]));
}

export function changeSet(env: GuideEnv, key: string): Change[] {
  return lines(join(env.storageDir, key)) as Change[];
}

/**
 * What the change set between two truths must be, derived without the product's diff: guids only in
 * the old truth are removed unless the change set links them (then checked to be a PENDING one whose
 * POSTED replacement has the same account, amount and description); the rest must match exactly.
 */
export function expectedChanges(before: Map<string, any>, after: Map<string, any>, changes: Change[]) {
  const linked = changes.filter((c) => c.change === 'modified' && c.link === 'replaced-pending') as Extract<
    Change,
    { change: 'modified' }
  >[];
  const problems: string[] = [];
  for (const link of linked) {
    const pending = before.get(link.previousGuid);
    const posted = after.get(link.guid);
    if (!pending || after.has(link.previousGuid) || !posted || before.has(link.guid))
      problems.push(`bad link ${link.previousGuid} -> ${link.guid}`);
    else if (
      pending.status !== 'PENDING' ||
      posted.status !== 'POSTED' ||
      pending.amount !== posted.amount ||
      pending.account_guid !== posted.account_guid
    ) {
      problems.push(`link ${link.previousGuid} -> ${link.guid} joins unlike transactions`);
    }
  }
  const linkedOld = new Set(linked.map((c) => c.previousGuid));
  const linkedNew = new Set(linked.map((c) => c.guid));
  const added = [...after.keys()].filter((g) => !before.has(g) && !linkedNew.has(g)).sort();
  const removed = [...before.keys()].filter((g) => !after.has(g) && !linkedOld.has(g)).sort();
  const modified = [...after.keys()].filter((g) => before.has(g) && JSON.stringify(before.get(g)) !== JSON.stringify(after.get(g))).sort();
  return { problems, added, removed, modified, linked: linked.length };
}

/** PUTs new credentials on the member as MX's update member does: the job it starts ends accordingly. */
export async function setPassword(env: Pick<GuideEnv, 'sandboxUrl' | 'sandboxGet'>, memberPath: string, password: string): Promise<void> {
  const response = await fetch(new URL(memberPath, env.sandboxUrl), {
    method: 'PUT',
    headers: {
      authorization: `Basic ${Buffer.from(`${SANDBOX_CLIENT_ID}:${SANDBOX_API_KEY}`).toString('base64')}`,
      accept: 'application/vnd.mx.api.v1+json',
      'accept-version': 'v20111101',
      'content-type': 'application/json',
    },
    body: JSON.stringify({
      member: {
        credentials: [
          { guid: 'CRD-9f61fb4c-912c-bd1e-b175-ccc7f0275cc1', value: 'mxuser' },
          { guid: 'CRD-e3d7ea81-aac7-05e9-fbdd-4b493c6e474d', value: password },
        ],
      },
    }),
  });
  if (!response.ok) throw new Error(`update member: ${response.status} ${await response.text()}`);
  const deadline = Date.now() + 10_000;
  for (;;) {
    const status = (await env.sandboxGet<any>(`${memberPath}/status`)).member;
    if (!status.is_being_aggregated) return;
    if (Date.now() > deadline) throw new Error('the member did not settle');
    await new Promise((r) => setTimeout(r, 50));
  }
}
