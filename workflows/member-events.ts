// A member event: what one of MX's webhooks (CONNECTION_STATUS, AGGREGATION, STATEMENT) said about the
// member a run waits on. The webhook receiver (src/webhooks/) signals it to the run; the run only takes it
// as a cue to read the member's status now (workflows/steps/poll-wait.ts), never as the status itself:
// MX says not to rely on webhooks alone. Importable from workflow code and from Node alike.
import { defineSignal } from '@temporalio/workflow';

export interface MemberEvent {
  /** MX's webhook type: CONNECTION_STATUS, AGGREGATION or STATEMENT (future types pass through). */
  type: string;
  memberGuid: string;
  /** CONNECTION_STATUS only. */
  connectionStatus?: string | null;
  /** AGGREGATION and STATEMENT only. */
  jobGuid?: string | null;
  /** AGGREGATION: MX ran the job by itself (background aggregation), not for a run. */
  isBackground?: boolean;
}

export const memberEventSignal = defineSignal<[MemberEvent]>('memberEvent');

/** Two deliveries of one webhook (MX retries) have the same key, so a run wakes once per event. */
export function memberEventKey(event: MemberEvent): string {
  return [event.type, event.memberGuid, event.jobGuid ?? '', event.connectionStatus ?? ''].join('|');
}
