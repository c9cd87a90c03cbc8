// The verifier consumers use on the project's events: a genuine delivery passes; a forged, tampered,
// stale or malformed one is refused with a reason.
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/events/event';
import { signatureHeader } from '../../src/events/signature';
import { EventSignatureError, verifyEvent } from '../../src/events/verify';

const SECRET = 'consumer-shared-secret-0123456789abcdef';
const NOW = Date.UTC(2026, 11, 2, 12, 0, 0);
const T = Math.floor(NOW / 1000);
const event: RunEvent = {
  id: 'wf/run/1',
  type: 'run.completed',
  createdAt: new Date(NOW).toISOString(),
  run: { workflowType: 'fetchAccountData', workflowId: 'wf', runId: 'run', userId: 'u1', memberGuid: 'MBR-1', institutionCode: 'mxbank' },
  manifest: { key: 'fetch-account-data/u1/MBR-1/run/manifest.json', accounts: 2, transactions: 240 },
};
const body = JSON.stringify(event);

describe('verifyEvent', () => {
  it('accepts a genuine delivery and returns the event', () => {
    expect(verifyEvent(body, signatureHeader(SECRET, T, body), SECRET, { now: NOW })).toEqual(event);
    expect(verifyEvent(Buffer.from(body), signatureHeader(SECRET, T - 60, body), SECRET, { now: NOW }).id).toBe('wf/run/1');
  });

  it('refuses a forged signature (another secret) and a tampered body', () => {
    expect(() => verifyEvent(body, signatureHeader('an-attacker-guess-0123456789abcdef', T, body), SECRET, { now: NOW })).toThrow(
      EventSignatureError,
    );
    const tampered = body.replace('"accounts":2', '"accounts":3');
    expect(() => verifyEvent(tampered, signatureHeader(SECRET, T, body), SECRET, { now: NOW })).toThrow(/does not match/);
    // The timestamp is signed too: moving it forward to dodge the replay window breaks the signature.
    const moved = signatureHeader(SECRET, T - 3600, body).replace(`t=${T - 3600}`, `t=${T}`);
    expect(() => verifyEvent(body, moved, SECRET, { now: NOW })).toThrow(/does not match/);
  });

  it('refuses a stale delivery (replay) and malformed or missing headers', () => {
    expect(() => verifyEvent(body, signatureHeader(SECRET, T - 301, body), SECRET, { now: NOW })).toThrow(/possible replay/);
    expect(() => verifyEvent(body, undefined, SECRET, { now: NOW })).toThrow(/missing/);
    expect(() => verifyEvent(body, 'v1=abc', SECRET, { now: NOW })).toThrow(/malformed/);
    expect(() => verifyEvent(body, `t=${T},v1=zz`, SECRET, { now: NOW })).toThrow(/does not match/);
    expect(() => verifyEvent(body, signatureHeader(SECRET, T, body), '', { now: NOW })).toThrow(/No secret/);
  });
});
