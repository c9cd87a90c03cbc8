// A refresh that ends because the member needs the user pauses the member's schedule, with a note
// saying why: runs stop failing every interval, and the paused schedule is what support lists.
import { ScheduleNotFoundError } from '@temporalio/client';
import { activityContext } from './context';
import type { ActivityDeps } from './deps';
import { invalidInput } from './failures';
import type { RefreshActivities } from './refresh-types';

export function refreshScheduleActivities(_deps: ActivityDeps): Pick<RefreshActivities, 'pauseRefreshSchedule'> {
  return {
    async pauseRefreshSchedule(input) {
      if (!input?.scheduleId || !input.note) throw invalidInput('pauseRefreshSchedule: scheduleId and note are required');
      const client = activityContext()?.client;
      if (!client) throw new Error('pauseRefreshSchedule needs the Temporal client of a worker (it runs inside one).');
      try {
        await client.schedule.getHandle(input.scheduleId).pause(input.note.slice(0, 1000));
        return true;
      } catch (error) {
        if (error instanceof ScheduleNotFoundError) return false;
        throw error;
      }
    },
  };
}
