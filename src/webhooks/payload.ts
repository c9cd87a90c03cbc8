// MX's member webhooks as they arrive (MX docs, "Webhooks": CONNECTION_STATUS, AGGREGATION, STATEMENT).
// MX warns that payloads gain fields and nulls over time, so unknown fields pass and most fields may be
// null; only what the receiver acts on is required. The member guid is checked strictly: it goes into a
// Temporal visibility query.
import { z } from 'zod';
import type { MemberEvent } from '../../workflows/member-events';

export const WEBHOOK_TYPES = ['CONNECTION_STATUS', 'AGGREGATION', 'STATEMENT'] as const;

const payload = z.looseObject({
  type: z.enum(WEBHOOK_TYPES, { error: `type must be one of ${WEBHOOK_TYPES.join(', ')}` }),
  member_guid: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'member_guid must be an MX guid (letters, digits, - and _)'),
  user_guid: z.string().nullish(),
  user_id: z.string().max(200).nullish(),
  connection_status: z.string().max(64).nullish(),
  job_guid: z.string().max(128).nullish(),
  is_background: z.boolean().nullish(),
});

export type MxWebhook = z.infer<typeof payload>;

export class WebhookPayloadError extends Error {
  override name = 'WebhookPayloadError';
}

/** The webhook as the run's member event; throws WebhookPayloadError naming every problem. */
export function parseWebhook(body: unknown): { webhook: MxWebhook; event: MemberEvent } {
  const parsed = payload.safeParse(body);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`);
    throw new WebhookPayloadError(`Not an MX member webhook: ${problems.join('; ')}`);
  }
  const webhook = parsed.data;
  return {
    webhook,
    event: {
      type: webhook.type,
      memberGuid: webhook.member_guid,
      ...(webhook.connection_status ? { connectionStatus: webhook.connection_status } : {}),
      ...(webhook.job_guid ? { jobGuid: webhook.job_guid } : {}),
      ...(webhook.is_background ? { isBackground: true } : {}),
    },
  };
}
