// Hands a member event to the runs waiting on that member, before the receiver answers MX. The run is
// found two ways: X-CALLBACK-PAYLOAD names the workflow id (the guides set it when they create or update
// the member: no lookup, no visibility lag), and the MxMemberGuid search attribute finds every other
// running guide run on that member (a member reused by a later run). A signal to a run that has ended is
// no error: the member is known, nobody waits.
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { type MemberEvent, memberEventSignal } from '../../workflows/member-events';

export interface RelayResult {
  /** Workflow ids of the runs that were signalled. */
  signalled: string[];
  /** Some run of this project, running or not, worked on the member. */
  known: boolean;
}

export async function relayMemberEvent(client: Client, event: MemberEvent, callbackPayload: string | undefined): Promise<RelayResult> {
  const signalled = new Set<string>();
  const signal = async (workflowId: string) => {
    if (signalled.has(workflowId)) return;
    try {
      await client.workflow.getHandle(workflowId).signal(memberEventSignal, event);
      signalled.add(workflowId);
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    }
  };
  if (callbackPayload) await signal(callbackPayload);
  // member_guid passed parseWebhook's pattern, so it cannot break out of the quoted value.
  const member = `MxMemberGuid = '${event.memberGuid}'`;
  for await (const run of client.workflow.list({ query: `${member} AND ExecutionStatus = 'Running'` })) await signal(run.workflowId);
  const known = signalled.size > 0 || (await client.workflow.count(member)).count > 0;
  return { signalled: [...signalled], known };
}
