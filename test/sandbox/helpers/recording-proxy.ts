// A loopback HTTP proxy in front of the sandbox that records every exchange as it went over the wire:
// the request exactly as the client sent it (headers, query, body) and the sandbox's answer. Lets a
// test check what the real MX client sends, not what it meant to send.
import { createServer, request as forward } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Exchange } from './client';

export interface RecordingProxy {
  url: string;
  exchanges: Exchange[];
  close(): Promise<void>;
}

export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const exchanges: Exchange[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const sent = Buffer.concat(chunks);
      const url = new URL(req.url ?? '/', target);
      const upstream = forward(url, { method: req.method, headers: req.headers }, (answer) => {
        const body: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => body.push(chunk));
        answer.on('end', () => {
          const bytes = Buffer.concat(body);
          const contentType = answer.headers['content-type'] ?? null;
          exchanges.push({
            method: req.method ?? 'GET',
            path: url.pathname,
            status: answer.statusCode ?? 0,
            contentType,
            headers: new Headers(answer.headers as Record<string, string>),
            json: bytes.length > 0 && contentType?.includes('json') ? JSON.parse(bytes.toString('utf8')) : undefined,
            bytes,
            requestHeaders: new Headers(req.headers as Record<string, string>),
            query: url.searchParams,
            requestBody: sent.length > 0 ? JSON.parse(sent.toString('utf8')) : undefined,
          });
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          res.end(bytes);
        });
      });
      upstream.on('error', () => res.destroy());
      upstream.end(sent);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    exchanges,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
