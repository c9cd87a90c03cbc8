// The pause between two reads of the member's status. Every poll waits here, so what may cut a pause
// short (an event about the member) is decided in this one place. A member event
// (workflows/member-events.ts) ends the pause at once; with MX webhooks on (the worker's MX_WEBHOOKS and
// WEBHOOKS_FALLBACK_POLL_MS) the pauses also stretch to the fallback interval: polling stays, as MX
// advises, but only as the safety net.
import { condition, setHandler, sleep } from '@temporalio/workflow';
import { BEFORE_EVENTS, eventSettings } from '../event-settings';
import { type MemberEvent, memberEventKey, memberEventSignal } from '../member-events';

/** Keys of events already taken: a retried webhook wakes the run once. Bounded; old keys fall out. */
const seen: string[] = [];
const SEEN_LIMIT = 64;
/** An event arrived since the last pause began: the next pause ends at once, so none is missed. */
let pending = false;
let listening = false;

function listen(): void {
  if (listening) return;
  listening = true;
  setHandler(memberEventSignal, (event: MemberEvent) => {
    const key = memberEventKey(event);
    if (seen.includes(key)) return;
    seen.push(key);
    if (seen.length > SEEN_LIMIT) seen.shift();
    pending = true;
  });
}

/**
 * How long the next pause may be: the backoff's interval, or with webhooks on the longer fallback. A
 * member event ends a pause either way (MX_WEBHOOKS=off only means: do not count on them).
 */
export async function pollInterval(backoffMs: number): Promise<number> {
  const settings = await eventSettings();
  if (settings === BEFORE_EVENTS) return backoffMs;
  listen();
  return settings.webhooks ? Math.max(backoffMs, settings.fallbackIntervalMs) : backoffMs;
}

export async function waitForNextPoll(delayMs: number, summary: string): Promise<void> {
  if (!listening) {
    await sleep(delayMs, { summary });
    return;
  }
  await condition(() => pending, delayMs, { summary });
  pending = false;
}
