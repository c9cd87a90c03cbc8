// The sandbox posts webhooks as MX does: HTTP Basic, the member's X-CALLBACK-PAYLOAD, and a retry of a
// POST that got no 2xx.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebhookSender } from '../../src/sandbox/webhooks';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function endpoint(answers: number[]) {
  const seen: { headers: IncomingHttpHeaders; body: string }[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      seen.push({ headers: request.headers, body });
      response.writeHead(answers[seen.length - 1] ?? 204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/mx`, seen };
}

describe('the sandbox webhook sender', () => {
  it('sends Basic auth and X-CALLBACK-PAYLOAD, and retries after a 503', async () => {
    const target = await endpoint([503, 204]);
    const errors: unknown[] = [];
    const sender = new WebhookSender(target.url, (error) => errors.push(error), { username: 'mx', password: 'secret-secret-123' }, [50]);
    sender.send({ type: 'AGGREGATION', member_guid: 'MBR-1' }, { 'x-callback-payload': 'workflow-1' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await sender.drain();
    expect(target.seen).toHaveLength(2);
    for (const { headers, body } of target.seen) {
      expect(headers.authorization).toBe(`Basic ${Buffer.from('mx:secret-secret-123').toString('base64')}`);
      expect(headers['x-callback-payload']).toBe('workflow-1');
      expect(JSON.parse(body)).toEqual({ type: 'AGGREGATION', member_guid: 'MBR-1' });
    }
    expect(errors).toHaveLength(1);
  });

  it('does not keep close() waiting for retries', async () => {
    const target = await endpoint([500, 500, 500]);
    const sender = new WebhookSender(target.url, () => undefined, undefined, [60_000]);
    sender.send({ type: 'AGGREGATION' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const began = Date.now();
    await sender.drain();
    expect(Date.now() - began).toBeLessThan(1_000);
    expect(target.seen).toHaveLength(1);
  });
});
