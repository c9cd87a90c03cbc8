// The pause between two reads of the member's status. Every poll waits here, so what may cut a pause
// short (an event about the member) is decided in this one place. With MX webhooks on (the worker's
// WEBHOOKS_FALLBACK_POLL_MS), a member event (workflows/member-events.ts) ends the pause at once and the
// pauses stretch to the fallback interval: polling stays, as MX advises, but only as the safety net.
import { condition, setHandler, sleep } from '@temporalio/workflow';
import { eventSettings } from '../event-settings';
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

/** How long the next pause may be: the backoff's interval, or with webhooks on the longer fallback. */
export async function pollInterval(backoffMs: number): Promise<number> {
  const settings = await eventSettings();
  if (!settings.webhooks) return backoffMs;
  listen();
  return Math.max(backoffMs, settings.fallbackIntervalMs);
}

export async function waitForNextPoll(delayMs: number, summary: string): Promise<void> {
  if (!listening) {
    await sleep(delayMs, { summary });
    return;
  }
  await condition(() => pending, delayMs, { summary });
  pending = false;
}
