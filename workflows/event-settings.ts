// What the worker says about events, asked once per run: are MX webhooks on (then polls are only the
// fallback and wait longer), and is there a URL to tell the integrator about the run. Behind a patch
// marker, so histories recorded before events existed replay unchanged (no settings, no events).
import { patched, proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { EventActivities, EventSettings } from '../activities/events';
import { fewerRoundTrips } from './activity-proxies';

export const EVENTS_PATCH = 'member-and-run-events';

const asked = { startToCloseTimeout: '10 seconds', retry: { initialInterval: '1s', maximumInterval: '10s' } };
const settingsActivity = proxyActivities<EventActivities>(asked);
/** The worker's own settings: a local activity asks them within the workflow task, no round trip. */
const localSettingsActivity = proxyLocalActivities<EventActivities>(asked);

/** What runs recorded before events existed get, without asking: nothing changes for them. */
export const BEFORE_EVENTS: EventSettings = Object.freeze({ webhooks: false, fallbackIntervalMs: 0, eventsOut: false });
let settings: Promise<EventSettings> | undefined;

export function eventSettings(): Promise<EventSettings> {
  if (!settings) {
    if (!patched(EVENTS_PATCH)) settings = Promise.resolve(BEFORE_EVENTS);
    else settings = (fewerRoundTrips() ? localSettingsActivity : settingsActivity).readEventSettings();
  }
  return settings;
}
