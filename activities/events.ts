// The activities behind member events and run events: what the worker's configuration says about them
// (asked once per run), and one delivery of an outbound event to the integrator's URL.
import { postEvent } from '../src/events/deliver';
import type { RunEvent } from '../src/events/event';

export interface EventSettings {
  /** MX webhooks reach the receiver: polls are the fallback only. */
  webhooks: boolean;
  /** With webhooks on, the pause between status reads when no event comes first. */
  fallbackIntervalMs: number;
  /** An events URL is configured: runs announce MFA, new credentials, completion and failure. */
  eventsOut: boolean;
}

/** The worker's event configuration (src/config.ts `events`). The secret stays in the worker. */
export interface EventDeps {
  webhooks: boolean;
  fallbackIntervalMs: number;
  url?: string;
  secret?: string;
}

export interface EventActivities {
  readEventSettings(): Promise<EventSettings>;
  deliverEvent(event: RunEvent): Promise<{ status: number } | { skipped: string }>;
}

export function eventActivities(deps: EventDeps | undefined): EventActivities {
  return {
    async readEventSettings() {
      return {
        webhooks: deps?.webhooks ?? false,
        fallbackIntervalMs: deps?.fallbackIntervalMs ?? 0,
        eventsOut: Boolean(deps?.url && deps.secret),
      };
    },
    async deliverEvent(event) {
      // The URL was unset after the run asked: nothing to deliver to, and nothing to retry.
      if (!deps?.url || !deps.secret) return { skipped: 'no EVENTS_URL / EVENTS_SECRET on this worker' };
      return { status: await postEvent({ url: deps.url, secret: deps.secret }, event) };
    },
  };
}
