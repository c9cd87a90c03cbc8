// The worker registers what this returns. Each activity does one side effect and is safe to run twice.
import { keptAlive } from './context';
import type { ActivityDeps } from './deps';
import { type EventActivities, type EventDeps, eventActivities } from './events';
import { exportActivities } from './export';
import { withFailures } from './failures';
import { institutionActivities } from './institutions';
import { jobActivities } from './jobs';
import { manifestActivities } from './manifest';
import { memberActivities } from './members';
import { reconcileActivities } from './reconcile';
import { refreshActivities } from './refresh';
import { refreshScheduleActivities } from './refresh-schedule';
import type { RefreshActivities } from './refresh-types';
import { statementDownloadActivities } from './statement-downloads';
import { statementActivities } from './statements';
import type { Activities } from './types';
import { userActivities } from './users';

export type { ActivityDeps, Clock } from './deps';
export { systemClock } from './deps';

/** `events`: the worker's webhook and outbound-event settings (activities/events.ts); none = both off. */
export function createActivities(deps: ActivityDeps & { events?: EventDeps }): Activities & EventActivities & RefreshActivities {
  return withFailures<Activities & EventActivities & RefreshActivities>(
    keptAlive({
      ...userActivities(deps),
      ...institutionActivities(deps),
      ...memberActivities(deps),
      ...jobActivities(deps),
      ...exportActivities(deps),
      ...statementActivities(deps),
      ...statementDownloadActivities(deps),
      ...manifestActivities(deps),
      ...eventActivities(deps.events),
      ...refreshActivities(deps),
      ...reconcileActivities(deps),
      ...refreshScheduleActivities(deps),
    }),
  );
}
