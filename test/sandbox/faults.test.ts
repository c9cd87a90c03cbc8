/* eslint-disable @typescript-eslint/no-explicit-any -- wire JSON: the assertions check its shape */
// Every fault knob, at start and through the admin route; the challenge label override; webhooks.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type Sandbox, type SandboxOptions, startSandbox } from '../../src/sandbox/server';
import { basicAuth, SandboxClient } from './helpers/client';

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function start(options: SandboxOptions = {}) {
  sandbox = await startSandbox({ port: 0, jobDurationMs: 20, ...options });
  return new SandboxClient(sandbox.url);
}

async function statementUri(client: SandboxClient): Promise<string> {
  const user = await client.createUser(`faults-${Math.random()}`);
  const member = (await client.createMember(user, 'password', { skip_aggregation: true })).json.member.guid;
  await client.post(`/users/${user}/members/${member}/fetch_statements`);
  await client.settle(user, member);
  return (await client.get(`/users/${user}/members/${member}/statements`)).json.statements[0].uri;
}

describe('faults', () => {
  it('latency: a fixed delay before every answer', async () => {
    const client = await start({ faults: { latencyMs: 150 } });
    const started = Date.now();
    expect((await client.get('/users')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(145);
  });

  it('429 with Retry-After for the next N requests, then normal', async () => {
    const client = await start({ faults: { rateLimit: { next: 2, retryAfterSeconds: 7 } } });
    const first = await client.get('/users');
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('7');
    expect(first.json.error.message).toMatch(/Too many requests/);
    expect((await client.get('/users')).status).toBe(429);
    expect((await client.get('/users')).status).toBe(200);
  });

  it('5xx at a rate: 1 hits every request, 0 none; match limits it to some paths', async () => {
    const client = await start();
    sandbox!.setFaults({ serverError: { rate: 1, status: 502, match: '/institutions' } });
    expect((await client.get('/institutions')).status).toBe(502);
    expect((await client.get('/users')).status).toBe(200);
    sandbox!.setFaults({ serverError: { rate: 0 } });
    expect((await client.get('/institutions')).status).toBe(200);
  });

  it('a rate between 0 and 1 is deterministic for a seed', async () => {
    const pattern = async () => {
      const client = await start({ seed: 9, faults: { serverError: { rate: 0.5 } } });
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++) statuses.push((await client.get('/users')).status);
      await sandbox!.close();
      sandbox = undefined;
      return statuses;
    };
    const first = await pattern();
    expect(first).toContain(503);
    expect(first).toContain(200);
    expect(await pattern()).toEqual(first);
  });

  it('the admin route sets, shows and validates faults (and needs auth)', async () => {
    const client = await start();
    const set = await client.put('/_sandbox/faults', { faults: { rateLimit: { next: 1 } } });
    expect(set.status).toBe(200);
    expect((await client.get('/_sandbox/faults')).json.faults.rateLimit).toMatchObject({ next: 1 });
    expect((await client.get('/users')).status).toBe(429);
    const bad = await client.put('/_sandbox/faults', { faults: { serverError: { rate: 2 } } });
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toMatch(/faults\.serverError\.rate/);
    expect((await client.put('/_sandbox/faults', { faults: { nonsense: true } })).status).toBe(400);
    expect((await client.call('PUT', '/_sandbox/faults', { body: { faults: {} }, auth: null })).status).toBe(401);
    expect((await client.put('/_sandbox/faults', { faults: {} })).json.faults).toEqual({});
  });

  it('cuts a PDF body after N bytes (next download only)', async () => {
    const client = await start({ statementBytes: 200_000 });
    const uri = await statementUri(client);
    sandbox!.setFaults({ pdfCut: { afterBytes: 50_000, next: 1 } });
    const response = await fetch(sandbox!.url + uri, {
      headers: { authorization: basicAuth(), accept: 'application/vnd.mx.api.v1+pdf', 'accept-version': 'v20111101' },
    });
    expect(response.headers.get('content-length')).toBe('200000');
    const received = await readUntilError(response);
    expect(received.error).toBeDefined();
    expect(received.bytes).toBe(50_000);
    expect((await client.get(uri)).bytes.length).toBe(200_000);
  });

  it('garbles the next N JSON successes: status 200, a body cut short that does not parse', async () => {
    const client = await start({ faults: { garbledBody: { next: 1 } } });
    const garbled = await rawGet('/users');
    expect(garbled.status).toBe(200);
    const whole = await rawGet('/users');
    expect(whole.text.startsWith(garbled.text)).toBe(true);
    expect(isJson(garbled.text)).toBe(false);
    expect((await client.get('/users')).json.users).toEqual([]);
  });

  it('mixed: faults that share of requests, each with a kind that fits the request', async () => {
    await start({ faults: { mixed: { rate: 0.3, retryAfterSeconds: 2 } } });
    const seen = { ok: 0, rateLimited: 0, serverError: 0, garbled: 0 };
    for (let i = 0; i < 300; i++) {
      const answer = await rawGet('/users');
      if (answer.status === 429) {
        expect(answer.headers.get('retry-after')).toBe('2');
        seen.rateLimited++;
      } else if (answer.status === 503) seen.serverError++;
      else if (isJson(answer.text)) seen.ok++;
      else seen.garbled++;
    }
    expect(seen.ok / 300).toBeGreaterThan(0.6);
    expect(seen.ok / 300).toBeLessThan(0.8);
    expect(Math.min(seen.rateLimited, seen.serverError, seen.garbled)).toBeGreaterThan(10);
  });

  it('mixed: a PDF download is cut mid-body, never garbled; kinds narrows the choice', async () => {
    const client = await start({ statementBytes: 200_000 });
    const uri = await statementUri(client);
    sandbox!.setFaults({ mixed: { rate: 1, kinds: ['garbledBody', 'pdfCut'] } });
    expect(isJson((await rawGet('/users')).text)).toBe(false);
    const response = await fetch(sandbox!.url + uri, {
      headers: { authorization: basicAuth(), accept: 'application/vnd.mx.api.v1+pdf', 'accept-version': 'v20111101' },
    });
    expect(response.status).toBe(200);
    const received = await readUntilError(response);
    expect(received.error).toBeDefined();
    expect(received.bytes).toBeLessThan(200_000);
    const bad = await client.put('/_sandbox/faults', { faults: { mixed: { rate: 0.3, kinds: ['teapot'] } } });
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toMatch(/faults\.mixed\.kinds\.0/);
  });

  it('sends PDF bodies at the configured bytes per second', async () => {
    const client = await start({ statementBytes: 40_000 });
    const uri = await statementUri(client);
    sandbox!.setFaults({ pdfBytesPerSecond: 80_000 });
    const started = Date.now();
    expect((await client.get(uri)).bytes.length).toBe(40_000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
  });
});

describe('challenge label', () => {
  it('replaces the bank text, from the start option or the admin route', async () => {
    const hostile = '<script>alert(1)</script>';
    const client = await start({ challengeLabel: hostile });
    const user = await client.createUser('label');
    const member = (await client.createMember(user, 'challenge')).json.member.guid;
    const status = await client.settle(user, member);
    expect(status.challenges[0]).toMatchObject({ label: hostile, field_name: hostile });
    const changed = await client.put('/_sandbox/challenge_label', { challenge_label: 'Bank says "hi" & <b>bye</b>' });
    expect(changed.status).toBe(200);
    const listed = await client.get(`/users/${user}/members/${member}/challenges`);
    expect(listed.json.challenges[0].label).toBe('Bank says "hi" & <b>bye</b>');
    await client.put('/_sandbox/challenge_label', { challenge_label: null });
    expect((await client.get(`/users/${user}/members/${member}/challenges`)).json.challenges[0].label).toBe('What city were you born in?');
    expect((await client.put('/_sandbox/challenge_label', { challenge_label: 5 })).status).toBe(400);
  });
});

describe('webhooks', () => {
  it('posts CONNECTION_STATUS, AGGREGATION and STATEMENT payloads without being polled', async () => {
    const received: any[] = [];
    const receiver = createServer((request: IncomingMessage, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        received.push(JSON.parse(body));
        response.end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      const client = await start({ webhookUrl: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook` });
      const user = await client.createUser('hooks');
      const challenged = (await client.createMember(user, 'challenge')).json.member.guid;
      const connected = (await client.createMember(user, 'password')).json.member.guid;
      await waitFor(() => received.some((p) => p.type === 'AGGREGATION') && received.some((p) => p.type === 'CONNECTION_STATUS'));
      expect(received.find((p) => p.type === 'CONNECTION_STATUS')).toMatchObject({
        action: 'CHANGED',
        connection_status: 'CHALLENGED',
        connection_status_id: 3,
        member_guid: challenged,
        user_guid: user,
        user_id: 'hooks',
      });
      expect(received.find((p) => p.type === 'AGGREGATION')).toMatchObject({
        action: 'member_data_updated',
        member_guid: connected,
        job_guid: expect.stringMatching(/^JOB-/),
      });
      await client.post(`/users/${user}/members/${connected}/fetch_statements`);
      await waitFor(() => received.some((p) => p.type === 'STATEMENT'));
      expect(received.find((p) => p.type === 'STATEMENT')).toMatchObject({ statements_created_count: 15, member_guid: connected });
    } finally {
      receiver.close();
    }
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The body as text, whatever it holds (the test client parses JSON bodies). */
async function rawGet(path: string): Promise<{ status: number; headers: Headers; text: string }> {
  const response = await fetch(sandbox!.url + path, {
    headers: { authorization: basicAuth(), accept: 'application/vnd.mx.api.v1+json', 'accept-version': 'v20111101' },
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

async function readUntilError(response: Response): Promise<{ bytes: number; error?: unknown }> {
  const reader = response.body!.getReader();
  let bytes = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { bytes };
      bytes += value.length;
    }
  } catch (error) {
    return { bytes, error };
  }
}
