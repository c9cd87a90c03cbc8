// The integrator's side in tests: an HTTP server that takes the project's outbound events, keeps each
// raw body with its signature header, and answers 204 (or what `answer` says, to test retries).
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Delivery {
  body: string;
  headers: IncomingHttpHeaders;
}

export interface OutboundReceiver {
  url: string;
  deliveries: Delivery[];
  /** Resolves with the n-th delivery (1-based) once it arrived. */
  nth(n: number, timeoutMs: number): Promise<Delivery>;
  answer: number;
  close(): Promise<void>;
}

export async function startOutboundReceiver(): Promise<OutboundReceiver> {
  const deliveries: Delivery[] = [];
  const waiters: (() => void)[] = [];
  const receiver = {
    url: '',
    deliveries,
    answer: 204,
    async nth(n: number, timeoutMs: number): Promise<Delivery> {
      const deadline = Date.now() + timeoutMs;
      while (deliveries.length < n) {
        if (Date.now() > deadline) throw new Error(`only ${deliveries.length} of ${n} event(s) arrived within ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 100);
        });
      }
      return deliveries[n - 1]!;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (receiver.answer < 300) deliveries.push({ body: Buffer.concat(chunks).toString('utf8'), headers: request.headers });
      response.writeHead(receiver.answer).end();
      waiters.splice(0).forEach((wake) => wake());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`;
  return receiver;
}
