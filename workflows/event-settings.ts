// What the worker says about events, asked once per run: are MX webhooks on (then polls are only the
// fallback and wait longer), and is there a URL to tell the integrator about the run. Behind a patch
// marker, so histories recorded before events existed replay unchanged (no settings, no events).
import { patched, proxyActivities } from '@temporalio/workflow';
import type { EventActivities, EventSettings } from '../activities/events';

export const EVENTS_PATCH = 'member-and-run-events';

const settingsActivity = proxyActivities<EventActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1s', maximumInterval: '10s' },
});

/** What runs recorded before events existed get, without asking: nothing changes for them. */
export const BEFORE_EVENTS: EventSettings = Object.freeze({ webhooks: false, fallbackIntervalMs: 0, eventsOut: false });
let settings: Promise<EventSettings> | undefined;

export function eventSettings(): Promise<EventSettings> {
  settings ??= patched(EVENTS_PATCH) ? settingsActivity.readEventSettings() : Promise.resolve(BEFORE_EVENTS);
  return settings;
}
