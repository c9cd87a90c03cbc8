// One Temporal Schedule per member, each starting refreshMember: created, listed, paused, resumed,
// triggered and deleted here (the CLI is src/schedules/cli.ts). Overlapping runs are skipped; runs
// missed while the server was down are caught up within the catch-up window. The schedule's memo names
// the member, so the listing works without decoding the action's (encrypted) input.
import {
  type Client,
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
  type ScheduleDescription,
} from '@temporalio/client';
import { refreshScheduleId, refreshWorkflowId } from './refresh-ids';

export interface RefreshScheduleSpec {
  userId: string;
  /** The member; or its institution when the guid is not known (the refresh finds the one member there). */
  memberGuid?: string;
  institutionCode?: string;
  /** Temporal durations, e.g. "6h", "15m", "1d". */
  interval: string;
  jitter: string;
  catchupWindow: string;
  taskQueue: string;
  overlapDays?: number;
  lookaheadDays?: number;
}

export interface RefreshScheduleRow {
  scheduleId: string;
  userId: string | null;
  member: string | null;
  paused: boolean;
  /** Why it is paused (the refresh's outcome when it paused itself), or the last note. */
  note: string | null;
  /** A refresh paused it because the member needs the user: support's to-do list. */
  needsUser: boolean;
  nextRunAt: string | null;
  lastRunAt: string | null;
}

export const PAUSED_BY_REFRESH = /^(NEEDS_NEW_CREDENTIALS|ACTION_REQUIRED_AT_INSTITUTION|MFA_TIMEOUT|MFA_REJECTED|MFA_EXPIRED):/;

export class ScheduleError extends Error {}

export function scheduleIdOf(userId: string, member: string): string {
  return refreshScheduleId(userId, member);
}

export async function createRefreshSchedule(client: Client, spec: RefreshScheduleSpec): Promise<string> {
  const member = spec.memberGuid ?? spec.institutionCode;
  if (!member) throw new ScheduleError('name the member: --member <guid> or --institution <code>');
  const scheduleId = scheduleIdOf(spec.userId, member);
  const input = {
    userId: spec.userId,
    ...(spec.memberGuid ? { memberGuid: spec.memberGuid } : { institutionCode: spec.institutionCode }),
    scheduleId,
    ...(spec.overlapDays !== undefined ? { overlapDays: spec.overlapDays } : {}),
    ...(spec.lookaheadDays !== undefined ? { lookaheadDays: spec.lookaheadDays } : {}),
  };
  try {
    await client.schedule.create({
      scheduleId,
      spec: { intervals: [{ every: spec.interval }], jitter: spec.jitter },
      action: {
        type: 'startWorkflow',
        workflowType: 'refreshMember',
        // Temporal appends each run's scheduled time to this id.
        workflowId: refreshWorkflowId(spec.userId, member),
        taskQueue: spec.taskQueue,
        args: [input],
      },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: spec.catchupWindow, pauseOnFailure: false },
      memo: { purpose: 'refreshMember', userId: spec.userId, member },
      state: { note: `Refreshes ${member} of user ${spec.userId} every ${spec.interval} (jitter ${spec.jitter}).` },
    });
  } catch (error) {
    if (error instanceof ScheduleAlreadyRunning)
      throw new ScheduleError(`schedule ${scheduleId} exists already (delete it first to change it)`);
    throw error;
  }
  return scheduleId;
}

/**
 * The listing finds the schedules through visibility, which lags a moment behind a pause or resume, so
 * each one's state is read from the schedule itself (one describe per schedule).
 */
export async function listRefreshSchedules(client: Client): Promise<RefreshScheduleRow[]> {
  const rows: RefreshScheduleRow[] = [];
  for await (const summary of client.schedule.list()) {
    if (summary.action?.type !== 'startWorkflow' || summary.action.workflowType !== 'refreshMember') continue;
    try {
      rows.push(rowOf(summary.scheduleId, await client.schedule.getHandle(summary.scheduleId).describe()));
    } catch (error) {
      if (!(error instanceof ScheduleNotFoundError)) throw error; // deleted since it was listed
    }
  }
  return rows.sort((a, b) => a.scheduleId.localeCompare(b.scheduleId));
}

function rowOf(scheduleId: string, summary: Pick<ScheduleDescription, 'memo' | 'state' | 'info'>): RefreshScheduleRow {
  const memo = (summary.memo ?? {}) as { userId?: string; member?: string };
  const note = summary.state.note ?? null;
  const last = summary.info.recentActions.at(-1);
  return {
    scheduleId,
    userId: memo.userId ?? null,
    member: memo.member ?? null,
    paused: summary.state.paused,
    note,
    needsUser: summary.state.paused && PAUSED_BY_REFRESH.test(note ?? ''),
    nextRunAt: summary.info.nextActionTimes[0]?.toISOString() ?? null,
    lastRunAt: last?.takenAt.toISOString() ?? null,
  };
}

export type ScheduleAction = 'pause' | 'resume' | 'trigger' | 'delete';

export async function actOnSchedule(client: Client, scheduleId: string, action: ScheduleAction, note?: string): Promise<void> {
  const handle = client.schedule.getHandle(scheduleId);
  try {
    if (action === 'pause') await handle.pause(note ?? 'Paused with npm run schedules.');
    else if (action === 'resume') await handle.unpause(note ?? 'Resumed with npm run schedules.');
    else if (action === 'trigger') await handle.trigger();
    else await handle.delete();
  } catch (error) {
    if (error instanceof ScheduleNotFoundError) throw new ScheduleError(`no schedule ${scheduleId} (npm run schedules -- list shows them)`);
    throw error;
  }
}
