// The signature of an outbound event, as the payment APIs' webhooks do it (Stripe's scheme): an
// HMAC-SHA256, keyed with the shared secret, over "<unix seconds>.<raw body>", sent as
// `Mx-Guides-Signature: t=<unix seconds>,v1=<hex>`. The timestamp inside the signed text lets a
// consumer refuse replays of an old delivery.
import { createHmac } from 'node:crypto';

export const SIGNATURE_HEADER = 'mx-guides-signature';

export function signatureOf(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

export function signatureHeader(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${signatureOf(secret, timestamp, body)}`;
}
