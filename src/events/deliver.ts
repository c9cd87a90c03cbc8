// One delivery attempt of an outbound event: sign (fresh timestamp per attempt) and POST. Any answer but
// a 2xx throws, so the activity's retry policy backs off and tries again.
import type { RunEvent } from './event';
import { SIGNATURE_HEADER, signatureHeader } from './signature';

export class EventDeliveryError extends Error {
  override name = 'EventDeliveryError';
}

export interface EventTarget {
  url: string;
  secret: string;
  timeoutMs?: number;
}

export async function postEvent(target: EventTarget, event: RunEvent, now = Date.now()): Promise<number> {
  const body = JSON.stringify(event);
  let response: Response;
  try {
    response = await fetch(target.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [SIGNATURE_HEADER]: signatureHeader(target.secret, Math.floor(now / 1000), body),
        'mx-guides-event-id': event.id,
      },
      body,
      signal: AbortSignal.timeout(target.timeoutMs ?? 10_000),
    });
  } catch (err) {
    throw new EventDeliveryError(`POST ${new URL(target.url).origin} failed: ${(err as Error).message}`);
  }
  await response.body?.cancel();
  if (!response.ok) throw new EventDeliveryError(`POST ${new URL(target.url).origin} answered ${response.status}; retried with back-off.`);
  return response.status;
}
