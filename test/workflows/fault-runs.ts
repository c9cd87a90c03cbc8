// What the fault test and the fault bench share: how a run's retries are counted from its history,
// and the input that lets a run wait out faults (no vitest here, so the bench can use it too).
import type { WorkflowHandle } from '@temporalio/client';
import type { WorkflowTypeName } from '../../workflows/messages';

/** Both guides, alternating, so every batch mixes them. */
export const guideOf = (index: number): WorkflowTypeName => (index % 2 === 0 ? 'fetchAccountData' : 'fetchStatements');

/**
 * Fast polling, but the production deadline (1 h): with half of all requests faulted one step can spend
 * minutes in retries (a 10-minute deadline failed one run of 40 as DEADLINE_EXCEEDED), which is slow,
 * not wrong.
 */
export const FAULT_TOLERANT_POLLING = { initialInterval: '100ms', maxInterval: '400ms', deadline: '1h' };

export interface RunRetries {
  /** Activities the run scheduled. */
  activities: number;
  /** Attempts beyond the first, over all of them. */
  retries: number;
}

/**
 * History keeps one ActivityTaskStarted per activity, for its last attempt, with that attempt's number:
 * the retries an activity needed are that number minus one. A local activity (workflows/activity-proxies.ts)
 * has a marker instead, whose "data" (core's own, plain JSON) holds the attempt that completed it.
 */
export async function retriesOf(handle: WorkflowHandle): Promise<RunRetries> {
  const history = await handle.fetchHistory();
  let activities = 0;
  let retries = 0;
  for (const event of history.events ?? []) {
    if (event.activityTaskScheduledEventAttributes) activities += 1;
    const attempt = event.activityTaskStartedEventAttributes?.attempt ?? localActivityAttempt(event);
    if (event.markerRecordedEventAttributes?.markerName === LOCAL_ACTIVITY_MARKER) activities += 1;
    if (attempt) retries += attempt - 1;
  }
  return { activities, retries };
}

const LOCAL_ACTIVITY_MARKER = 'core_local_activity';
type HistoryEvent = NonNullable<Awaited<ReturnType<WorkflowHandle['fetchHistory']>>['events']>[number];

function localActivityAttempt(event: HistoryEvent): number | undefined {
  const marker = event.markerRecordedEventAttributes;
  if (marker?.markerName !== LOCAL_ACTIVITY_MARKER) return undefined;
  const data = marker.details?.data?.payloads?.[0]?.data;
  if (!data) return undefined;
  const attempt = (JSON.parse(Buffer.from(data).toString('utf8')) as { attempt?: unknown }).attempt;
  return typeof attempt === 'number' ? attempt : undefined;
}
