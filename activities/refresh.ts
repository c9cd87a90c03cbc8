// refreshMember's look-ups: the member to refresh (by user id and member guid, or institution), the
// other runs on the same member (so two never run at once), and the baseline fetchAccountData left.
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { FAILURES } from '../src/failures/catalogue';
import type { MxClient } from '../src/mx/client';
import { MxMemberGuid } from '../src/temporal/search-attribute-keys';
import { activityContext, cancellation } from './context';
import type { ActivityDeps } from './deps';
import { invalidInput } from './failures';
import { toMemberState } from './mappers';
import type { BaselineExport, RefreshActivities } from './refresh-types';

export const MEMBER_NOT_FOUND = FAILURES.refreshMemberNotFound.type;
/** The workflow types that act on a member; any two of them on one member must not overlap. */
export const MEMBER_WORKFLOW_TYPES = ['fetchAccountData', 'fetchStatements', 'refreshMember'] as const;
/** Only what a partner id or an MX guid may hold: safe inside a visibility query's quotes. */
const SAFE = /^[A-Za-z0-9._@-]{1,100}$/;

export function refreshActivities({
  mx,
  storage,
}: ActivityDeps): Pick<RefreshActivities, 'findRefreshMember' | 'otherRunsOnMember' | 'findBaseline'> {
  return {
    async findRefreshMember(input) {
      if (!input?.userId || (!input.memberGuid && !input.institutionCode)) {
        throw invalidInput('findRefreshMember: userId and memberGuid (or institutionCode) are required');
      }
      const signal = cancellation();
      const userGuid = await findUser(mx, input.userId, signal);
      if (!userGuid) throw notFound(`MX has no user with id "${input.userId}"`);
      const matches = [];
      for await (const member of mx.listMembers(userGuid, { signal })) {
        if (input.memberGuid ? member.guid === input.memberGuid : member.institution_code === input.institutionCode) matches.push(member);
      }
      const what = input.memberGuid ? `member ${input.memberGuid}` : `a member at institution "${input.institutionCode}"`;
      if (matches.length === 0) throw notFound(`user "${input.userId}" has no ${what}; run fetchAccountData first to create it`);
      if (matches.length > 1)
        throw notFound(`user "${input.userId}" has ${matches.length} members at "${input.institutionCode}"; name one by memberGuid`);
      const member = matches[0]!;
      const status = await mx.readMemberStatus(userGuid, member.guid, { signal });
      return {
        ...toMemberState(status, typeof member.connection_status_message === 'string' ? member.connection_status_message : null),
        userGuid,
        institutionCode: member.institution_code ?? '',
      };
    },

    async otherRunsOnMember(input) {
      if (!SAFE.test(input?.userId ?? '') || !SAFE.test(input?.memberGuid ?? ''))
        throw invalidInput('otherRunsOnMember: userId and memberGuid must be ids');
      const runs = [];
      const query = `ExecutionStatus = 'Running' AND MxUserId = '${input.userId}'`;
      for await (const execution of temporal().workflow.list({ query })) {
        if (execution.workflowId === input.workflowId || !(MEMBER_WORKFLOW_TYPES as readonly string[]).includes(execution.type)) continue;
        const member = execution.typedSearchAttributes.get(MxMemberGuid);
        // A guide that has not reached its member yet may be about to use this one: it counts.
        if (member !== undefined && member !== input.memberGuid) continue;
        const startedAt = execution.startTime.toISOString();
        // Refreshes that started later wait for this one, so they do not count here (no deadlock).
        if (execution.type === 'refreshMember' && laterThan(execution, startedAt, input)) continue;
        runs.push({ workflowId: execution.workflowId, workflowType: execution.type, startedAt });
      }
      return runs;
    },

    async findBaseline(input) {
      if (!SAFE.test(input?.userId ?? '') || !SAFE.test(input?.memberGuid ?? ''))
        throw invalidInput('findBaseline: userId and memberGuid must be ids');
      const query = `WorkflowType = 'fetchAccountData' AND MxUserId = '${input.userId}' AND MxMemberGuid = '${input.memberGuid}'`;
      let best: (BaselineExport & { completedAt: string }) | null = null;
      for await (const execution of temporal().workflow.list({ query })) {
        const key = `fetch-account-data/${input.userId}/${input.memberGuid}/${execution.runId}/manifest.json`;
        if (!(await storage.exists(key))) continue;
        const manifest = JSON.parse(await text(storage.read(key))) as {
          runId: string;
          completedAt: string;
          window?: { fromDate: string; toDate: string };
          accounts?: { transactionsKey: string; accountsKey: string };
        };
        if (!manifest.window || !manifest.accounts) continue;
        if (best && best.completedAt >= manifest.completedAt) continue;
        best = {
          runId: manifest.runId,
          completedAt: manifest.completedAt,
          ...manifest.window,
          transactionsKey: manifest.accounts.transactionsKey,
          accountsKey: manifest.accounts.accountsKey,
        };
      }
      if (!best) return null;
      const { completedAt: _completedAt, ...baseline } = best;
      return baseline;
    },
  };
}

function laterThan(execution: WorkflowExecutionInfo, startedAt: string, input: { workflowId: string; startedAt: string }): boolean {
  return startedAt > input.startedAt || (startedAt === input.startedAt && execution.workflowId > input.workflowId);
}

/** The worker's Temporal client, which the SDK hands every activity. */
function temporal(): Client {
  const context = activityContext();
  if (!context) throw new Error('This activity needs the Temporal client of a worker (it runs inside one).');
  return context.client;
}

async function findUser(mx: MxClient, id: string, signal?: AbortSignal): Promise<string | undefined> {
  for await (const user of mx.listUsers({ id }, { signal })) if (user.id === id) return user.guid;
  return undefined;
}

function notFound(message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: MEMBER_NOT_FOUND, nonRetryable: true, message });
}

async function text(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks).toString('utf8');
}
