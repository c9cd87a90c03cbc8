// For consumers of the project's events: checks a delivery's signature before its body is trusted.
//   import { verifyEvent } from './verify'; // this file and signature.ts need only node:crypto: copy both
//   const event = verifyEvent(rawBody, request.headers['mx-guides-signature'], process.env.EVENTS_SECRET);
// Verify the raw body exactly as received (before any JSON parsing), and keep the secret out of logs.
import { timingSafeEqual } from 'node:crypto';
import type { RunEvent } from './event';
import { signatureOf } from './signature';

export class EventSignatureError extends Error {
  override name = 'EventSignatureError';
}

export interface VerifyOptions {
  /** How old a delivery may be, in seconds (replay window). Default 300. */
  toleranceSeconds?: number;
  /** For tests: the current time in ms. */
  now?: number;
}

/** Returns the event when the signature is valid and fresh; otherwise throws EventSignatureError saying why. */
export function verifyEvent(
  rawBody: string | Buffer,
  header: string | string[] | undefined,
  secret: string,
  options: VerifyOptions = {},
): RunEvent {
  if (!secret) throw new EventSignatureError('No secret to verify with: set the shared secret (EVENTS_SECRET).');
  if (typeof header !== 'string' || header === '') throw new EventSignatureError('The Mx-Guides-Signature header is missing.');
  const parts = new Map<string, string[]>();
  for (const item of header.split(',')) {
    const at = item.indexOf('=');
    if (at > 0) parts.set(item.slice(0, at).trim(), [...(parts.get(item.slice(0, at).trim()) ?? []), item.slice(at + 1).trim()]);
  }
  const timestamp = Number(parts.get('t')?.[0]);
  const signatures = parts.get('v1') ?? [];
  if (!Number.isInteger(timestamp) || signatures.length === 0) {
    throw new EventSignatureError('The Mx-Guides-Signature header is malformed: expected t=<unix seconds>,v1=<hex>.');
  }
  const tolerance = options.toleranceSeconds ?? 300;
  const now = Math.floor((options.now ?? Date.now()) / 1000);
  if (Math.abs(now - timestamp) > tolerance) {
    throw new EventSignatureError(
      `The delivery is ${Math.abs(now - timestamp)} s old, more than the ${tolerance} s allowed: refused as a possible replay.`,
    );
  }
  const body = typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8');
  const expected = Buffer.from(signatureOf(secret, timestamp, body), 'hex');
  const matches = signatures.some((candidate) => {
    const given = Buffer.from(candidate, 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  if (!matches) throw new EventSignatureError('The signature does not match: the body was changed or signed with another secret.');
  try {
    return JSON.parse(body) as RunEvent;
  } catch {
    throw new EventSignatureError('The signed body is not JSON.');
  }
}
