// A real MFA run with webhooks on and an outbound receiver: MX's webhooks (from the sandbox, through the
// receiver) wake the run, which would otherwise wait 30 s between status reads; the integrator receives
// the MFA event, then the completion event, each verified by signature; a forged one is refused.
import { readFileSync } from 'node:fs';
import { createRefreshSchedule } from '../../src/schedules/manage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signatureHeader, SIGNATURE_HEADER } from '../../src/events/signature';
import { EventSignatureError, verifyEvent } from '../../src/events/verify';
import type { RunManifest } from '../../workflows/manifest';
import { answerMfaUpdate } from '../../workflows/messages';
import { recordHistory } from '../workflows/guide-env';
import { CREDENTIALS, EVENTS_SECRET, startWebhookEnv, type WebhookEnv } from './env';
import { startOutboundReceiver, type OutboundReceiver } from './outbound';

const FALLBACK_MS = 30_000;
let env: WebhookEnv;
let outbound: OutboundReceiver;

beforeAll(async () => {
  outbound = await startOutboundReceiver();
  env = await startWebhookEnv({ jobDurationMs: 2_000, fallbackIntervalMs: FALLBACK_MS, eventsUrl: outbound.url });
});

afterAll(async () => {
  await env?.close();
  await outbound?.close();
});

describe('an MFA run with MX webhooks on and events out', () => {
  it('is woken by each webhook, announces MFA then completion, signed; a forged event is refused', async () => {
    const began = Date.now();
    const handle = await env.start({ password: 'challenge' });

    const mfaDelivery = await outbound.nth(1, 15_000);
    const mfa = verifyEvent(mfaDelivery.body, mfaDelivery.headers[SIGNATURE_HEADER], EVENTS_SECRET);
    expect(mfa.type).toBe('run.mfa_required');
    expect(mfa.run.workflowId).toBe(handle.workflowId);
    expect(mfa.mfa?.round).toBe(1);
    const challenge = mfa.mfa!.challenges[0]!;
    expect(challenge.guid).toMatch(/^CRD-/);
    // The event names what is asked, never the credentials the run was started with.
    expect(mfaDelivery.body).not.toContain('mxuser');
    // The challenge came within the first status read after the CHALLENGED webhook, not after 30 s.
    expect(Date.now() - began).toBeLessThan(FALLBACK_MS / 2);

    const answered = await handle.executeUpdate(answerMfaUpdate, { args: [{ answers: [{ guid: challenge.guid, value: 'correct' }] }] });
    expect(answered.outcome).toBe('CONNECTED');
    const manifest = (await handle.result()) as RunManifest;
    expect(Date.now() - began).toBeLessThan(FALLBACK_MS);
    // One read per webhook (CHALLENGED, then the aggregation's end), with at most one to spare.
    expect(manifest.attempts.polls).toBeLessThanOrEqual(3);

    const doneDelivery = await outbound.nth(2, 15_000);
    const done = verifyEvent(doneDelivery.body, doneDelivery.headers[SIGNATURE_HEADER], EVENTS_SECRET);
    expect(done.type).toBe('run.completed');
    expect(done.manifest?.key).toBe(manifest.manifestKey);
    expect(done.manifest?.accounts).toBe(manifest.accounts?.count);
    expect(done.id).not.toBe(mfa.id);

    // Forged: a body changed after signing, or signed with a guessed secret.
    const tampered = doneDelivery.body.replace('run.completed', 'run.failed');
    expect(() => verifyEvent(tampered, doneDelivery.headers[SIGNATURE_HEADER], EVENTS_SECRET)).toThrow(EventSignatureError);
    const forgedHeader = signatureHeader('not-the-secret-0123456789abcdefgh', Math.floor(Date.now() / 1000), tampered);
    expect(() => verifyEvent(tampered, forgedHeader, EVENTS_SECRET)).toThrow(/does not match/);

    // The receiver's log names who it woke, and no credential.
    expect(env.logs.some((line) => line.includes('CONNECTION_STATUS CHALLENGED') && line.includes(handle.workflowId))).toBe(true);
    expect(env.logs.some((line) => line.startsWith('webhook AGGREGATION') && line.includes(handle.workflowId))).toBe(true);
    expect(env.logs.join('\n')).not.toContain(CREDENTIALS.password);
    // The replay test keeps this path (patch marker, member events, cancelled timers, event children) deterministic.
    await recordHistory(handle, 'fetchAccountData-mfa-webhooks-events');
  });

  it('never blocks or fails a run when the consumer is down, and delivers once it is back', async () => {
    const before = outbound.deliveries.length;
    outbound.answer = 503;
    const handle = await env.start({ password: 'DENIED' });
    const failed = await handle.result().then(
      () => undefined,
      (err: Error) => err,
    );
    expect((failed?.cause as Error | undefined)?.message).toMatch(/DENIED/);
    expect(outbound.deliveries.length).toBe(before);
    outbound.answer = 204;
    // The delivery's activity retries with back-off (1 s, 2 s, ...) after the run has ended.
    const delivery = await outbound.nth(before + 1, 20_000);
    const event = verifyEvent(delivery.body, delivery.headers[SIGNATURE_HEADER], EVENTS_SECRET);
    expect(event).toMatchObject({
      type: 'run.credentials_required',
      run: { workflowId: handle.workflowId },
      failure: { outcome: 'NEEDS_NEW_CREDENTIALS' },
    });
    expect(event.failure?.nextAction).toMatch(/credentials/);
  });

  it('wakes a statements run on the STATEMENT webhook too', async () => {
    const began = Date.now();
    const manifest = (await (await env.start({}, 'fetchStatements')).result()) as RunManifest;
    expect(manifest.statements?.count).toBeGreaterThan(0);
    expect(Date.now() - began).toBeLessThan(FALLBACK_MS);
    expect(env.logs.some((line) => line.startsWith('webhook STATEMENT') && line.includes(manifest.workflowId))).toBe(true);
  });

  it('records a background aggregation of a member a run worked on, before answering 204', async () => {
    const handle = await env.start({});
    const manifest = (await handle.result()) as RunManifest;
    const response = await fetch(env.receiver!.url, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${CREDENTIALS.username}:${CREDENTIALS.password}`).toString('base64')}` },
      body: JSON.stringify({
        action: 'member_data_updated',
        completed_at: 1700000000,
        is_background: true,
        job_guid: 'JOB-background-1',
        member_guid: manifest.member.guid,
        transactions_created_count: 3,
        transactions_updated_count: 1,
        type: 'AGGREGATION',
        user_guid: manifest.user.guid,
        user_id: manifest.user.id,
      }),
    });
    expect(response.status).toBe(204);
    const recorded = readFileSync(env.background.file, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(recorded).toContainEqual(
      expect.objectContaining({ memberGuid: manifest.member.guid, jobGuid: 'JOB-background-1', transactionsCreated: 3 }),
    );
  });

  it('starts the refresh of a member kept current on a schedule when MX aggregated it in the background', async () => {
    const manifest = (await (await env.start({})).result()) as RunManifest;
    const { client } = env.temporal;
    // A day's interval: the only action in this test is the one the webhook triggers.
    const scheduleId = await createRefreshSchedule(client, {
      userId: manifest.user.id,
      memberGuid: manifest.member.guid,
      interval: '1d',
      jitter: '1s',
      catchupWindow: '1m',
      taskQueue: env.taskQueue,
    });
    const schedule = client.schedule.getHandle(scheduleId);
    try {
      const response = await fetch(env.receiver!.url, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from(`${CREDENTIALS.username}:${CREDENTIALS.password}`).toString('base64')}` },
        body: JSON.stringify({
          action: 'member_data_updated',
          is_background: true,
          job_guid: 'JOB-background-2',
          member_guid: manifest.member.guid,
          type: 'AGGREGATION',
          user_guid: manifest.user.guid,
          user_id: manifest.user.id,
        }),
      });
      expect(response.status).toBe(204);
      const deadline = Date.now() + 10_000;
      let started: string | undefined;
      while (!started && Date.now() < deadline) {
        const action = (await schedule.describe()).info.recentActions[0]?.action;
        started = action?.type === 'startWorkflow' ? action.workflow.workflowId : undefined;
        if (!started) await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(started, 'the schedule took no action after the background webhook').toBeDefined();
      const refresh = client.workflow.getHandle(started!);
      expect((await refresh.describe()).type).toBe('refreshMember');
      await expect(refresh.result()).resolves.toMatchObject({ member: { guid: manifest.member.guid } });
      expect(env.logs.some((line) => line.includes('(background)') && line.includes('refresh triggered'))).toBe(true);
    } finally {
      await schedule.delete();
    }
  }, 90_000);
});
