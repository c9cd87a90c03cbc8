// Bad requests to the webhook receiver get a clear 4xx, are logged without secrets, and never crash it:
// a good webhook right after them is still taken.
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BackgroundAggregationLog } from '../../src/webhooks/background';
import { startWebhookReceiver, type WebhookReceiver } from '../../src/webhooks/server';
import { connectToTestServer, uniqueName, type TemporalTestContext } from '../helpers/temporal';
import { CREDENTIALS } from './env';

let temporal: TemporalTestContext;
let receiver: WebhookReceiver;
let dir: string;
const logs: string[] = [];
const basic = (username: string, password: string) => `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
const GOOD_AUTH = basic(CREDENTIALS.username, CREDENTIALS.password);

beforeAll(async () => {
  temporal = await connectToTestServer();
  dir = mkdtempSync(join(tmpdir(), 'mx-receiver-'));
  const background = new BackgroundAggregationLog(join(dir, 'background.jsonl'));
  receiver = await startWebhookReceiver({
    port: 0,
    credentials: CREDENTIALS,
    client: temporal.client,
    background,
    log: (line) => logs.push(line),
  });
});

afterAll(async () => {
  await receiver?.close();
  await temporal?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function post(body: string, authorization: string | null = GOOD_AUTH, path = '/webhooks/mx') {
  const response = await fetch(new URL(path, receiver.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    body,
  });
  return { status: response.status, text: await response.text() };
}

const status = (memberGuid: string) =>
  JSON.stringify({
    action: 'CHANGED',
    connection_status: 'CHALLENGED',
    connection_status_id: 3,
    member_guid: memberGuid,
    type: 'CONNECTION_STATUS',
    user_guid: 'USR-1',
  });

describe('the webhook receiver', () => {
  it('answers each kind of bad request with a 4xx that names the problem', async () => {
    expect(await post(status('MBR-1'), null)).toMatchObject({ status: 401, text: expect.stringContaining('HTTP Basic') });
    expect(await post(status('MBR-1'), basic(CREDENTIALS.username, 'wrong-password-123456'))).toMatchObject({ status: 401 });
    expect(await post('{"type": "AGGREGATION",')).toMatchObject({ status: 400, text: expect.stringContaining('not valid JSON') });
    expect(await post(JSON.stringify({ type: 'HOLDINGS', member_guid: 'MBR-1' }))).toMatchObject({
      status: 422,
      text: expect.stringContaining('type must be one of'),
    });
    expect(await post(JSON.stringify({ type: 'AGGREGATION', member_guid: "MBR-1' OR 1=1" }))).toMatchObject({
      status: 422,
      text: expect.stringContaining('member_guid'),
    });
    expect(await post(JSON.stringify([1, 2]))).toMatchObject({ status: 422 });
    const unknown = uniqueName('MBR-unknown');
    expect(await post(status(unknown))).toMatchObject({ status: 404, text: expect.stringContaining(`Unknown member ${unknown}`) });
    expect(await post(status('MBR-1'), GOOD_AUTH, '/elsewhere')).toMatchObject({
      status: 404,
      text: expect.stringContaining('POST /webhooks/mx'),
    });
    expect(logs.filter((line) => line.startsWith('webhook refused'))).toHaveLength(8);
    expect(logs.join('\n')).not.toContain(CREDENTIALS.password);
    expect(logs.join('\n')).not.toContain('wrong-password-123456');
  });

  it('still signals a run named by X-CALLBACK-PAYLOAD after all that, and answers 204', async () => {
    // A workflow that exists (no worker needed: a signal is recorded in its history) stands for a run.
    const handle = await temporal.client.workflow.start('fetchAccountData', {
      taskQueue: uniqueName('no-worker'),
      workflowId: uniqueName('receiver'),
      args: [{}],
    });
    const response = await fetch(receiver.url, {
      method: 'POST',
      headers: { authorization: GOOD_AUTH, 'x-callback-payload': handle.workflowId },
      body: status('MBR-callback'),
    });
    expect(response.status).toBe(204);
    const history = await handle.fetchHistory();
    const signals = history.events?.filter((event) => event.workflowExecutionSignaledEventAttributes?.signalName === 'memberEvent') ?? [];
    expect(signals).toHaveLength(1);
    await handle.terminate('test over');
  });

  it('answers 503 when Temporal cannot take the event, so MX delivers it again later', async () => {
    const unreachable = new Client({ connection: Connection.lazy({ address: '127.0.0.1:9', connectTimeout: 500 }) });
    const lines: string[] = [];
    const down = await startWebhookReceiver({
      port: 0,
      credentials: CREDENTIALS,
      client: unreachable,
      background: new BackgroundAggregationLog(join(dir, 'down.jsonl')),
      log: (line) => lines.push(line),
    });
    try {
      const sent = Date.now();
      const response = await fetch(down.url, { method: 'POST', headers: { authorization: GOOD_AUTH }, body: status('MBR-1') });
      expect(response.status).toBe(503);
      expect(Date.now() - sent).toBeLessThan(8_000);
      expect(lines.join('\n')).toMatch(/Temporal did not take it/);
    } finally {
      await down.close();
    }
  });
});
