// MX says not to rely on webhooks alone. With webhooks on but every one lost (the receiver is down), a
// run still completes: the fallback poll reads the status.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunManifest } from '../../workflows/manifest';
import { startWebhookEnv, type WebhookEnv } from './env';

const FALLBACK_MS = 2_000;
let env: WebhookEnv;

beforeAll(async () => {
  env = await startWebhookEnv({ jobDurationMs: 1_000, fallbackIntervalMs: FALLBACK_MS, receiver: false });
});

afterAll(async () => {
  await env?.close();
});

describe('a webhook lost on purpose', () => {
  it('still ends in a completed run, through the fallback poll at the stretched interval', async () => {
    const began = Date.now();
    const manifest = (await (await env.start({})).result()) as RunManifest;
    expect(manifest.member.connectionStatus).toBe('CONNECTED');
    expect(manifest.attempts.polls).toBeGreaterThanOrEqual(1);
    // No webhook woke it: the first read came after the fallback interval, not the 100 ms backoff.
    expect(Date.now() - began).toBeGreaterThanOrEqual(FALLBACK_MS);
    expect(manifest.attempts.polls).toBe(1);
  });
});
