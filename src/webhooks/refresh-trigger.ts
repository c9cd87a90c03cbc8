// A background aggregation MX ran by itself on a member this project keeps current (one with a refresh
// schedule, src/schedules) starts that member's refresh at once: the schedule is triggered, so its own
// rules hold (overlapping runs skipped, one refresh per member, paused when the member needs the user).
// A member without a schedule is only recorded (background.ts).
import { type Client, ScheduleNotFoundError } from '@temporalio/client';
import { refreshScheduleId } from '../schedules/refresh-ids';

export type RefreshTrigger = 'triggered' | 'paused' | 'no schedule';

export async function triggerRefresh(client: Client, userId: string | null | undefined, memberGuid: string): Promise<RefreshTrigger> {
  // Schedules are named by the user's id (MX's user_id, our partner id) and the member guid.
  if (!userId) return 'no schedule';
  const handle = client.schedule.getHandle(refreshScheduleId(userId, memberGuid));
  try {
    const description = await handle.describe();
    // A paused schedule waits for support (new credentials, say): new data alone does not resume it.
    if (description.state.paused) return 'paused';
    await handle.trigger();
    return 'triggered';
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) return 'no schedule';
    throw err;
  }
}
