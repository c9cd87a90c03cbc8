// The statement PDF's own HTTP/1.1 reader (src/mx/download.ts), against servers that answer with exact
// bytes: every framing, backpressure, cut connections, silence, cancellation and errors. TLS and
// forward proxies are in download-tls.test.ts.
import { afterEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { createMxClient } from '../../src/mx/client';
import { MxClientError, MxRetryableError } from '../../src/mx/errors';
import type { ByteSink } from '../../src/storage/types';
import { closeRawServers, collector, failureOf, rawServer } from './helpers/raw-server';

afterEach(closeRawServers);

const client = (url: string, timeoutMs = 2000) => createMxClient({ baseUrl: url, clientId: 'client-1', apiKey: 'key-1', timeoutMs });
const download = (url: string, into: ByteSink, options: { signal?: AbortSignal; timeoutMs?: number } = {}) =>
  client(url, options.timeoutMs).downloadStatementPdf('U', 'M', 'STA-1', { into, signal: options.signal });
const diskFull = new Error('ENOSPC: no space left on device');

/** A 3000-byte body of which 1000 bytes come after the head: the download fails with `diskFull`, the server sees the close. */
async function expectSinkFailureClosesConnection(failing: ByteSink): Promise<void> {
  let closed = false;
  const url = await rawServer((socket) => {
    socket.on('close', () => (closed = true));
    socket.write('HTTP/1.1 200 OK\r\nContent-Length: 3000\r\n\r\n');
    setTimeout(() => socket.write(Buffer.alloc(1000)), 20);
  });
  expect(await failureOf(download(url, failing))).toBe(diskFull);
  await new Promise((r) => setTimeout(r, 50));
  expect(closed).toBe(true);
}

describe('statement PDF reader', () => {
  it('sends auth and the PDF Accept header, and takes a Content-Length body', async () => {
    let request = '';
    const url = await rawServer((socket, head) => {
      request = head;
      socket.end(
        'HTTP/1.1 200 OK\r\nContent-Type: application/vnd.mx.api.v1+pdf\r\nContent-Length: 9\r\n\r\n%PDF-1.7\nignored trailing bytes',
      );
    });
    const sink = collector();
    expect(await download(url, sink)).toEqual({ bytes: 9, contentLength: 9 });
    expect(Buffer.concat(sink.parts).toString()).toBe('%PDF-1.7\n');
    expect(request).toMatch(/^GET \/users\/U\/members\/M\/statements\/STA-1\.pdf HTTP\/1\.1\r\n/);
    expect(request).toContain(`authorization: Basic ${Buffer.from('client-1:key-1').toString('base64')}\r\n`);
    expect(request).toContain('accept: application/vnd.mx.api.v1+pdf\r\n');
  });

  it('decodes chunked transfer coding split at every byte, with extensions and trailers', async () => {
    const body = 'chunked %PDF body';
    const wire = `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n8;ext=1\r\n${body.slice(0, 8)}\r\n${(body.length - 8).toString(16)}\r\n${body.slice(8)}\r\n0\r\nX-Trailer: t\r\n\r\n`;
    const url = await rawServer(async (socket) => {
      socket.setNoDelay(true);
      for (const byte of Buffer.from(wire)) {
        socket.write(Buffer.from([byte]));
        await new Promise((r) => setImmediate(r));
      }
      // The body is complete before the connection ends: the reader must not wait for the close.
    });
    const sink = collector();
    expect(await download(url, sink)).toMatchObject({ bytes: body.length, contentLength: null });
    expect(Buffer.concat(sink.parts).toString()).toBe(body);
  });

  it('reads a body with neither length nor chunking until the server closes', async () => {
    const url = await rawServer((socket) => socket.end('HTTP/1.1 200 OK\r\n\r\nuntil close'));
    const sink = collector();
    expect(await download(url, sink)).toEqual({ bytes: 11, contentLength: null });
    expect(Buffer.concat(sink.parts).toString()).toBe('until close');
  });

  describe.each([
    ['a sink that copies', false],
    ['a sink that lends its memory', true],
  ])('into %s', (_, lends) => {
    it('pauses the socket while the sink catches up, and loses nothing', async () => {
      const body = Buffer.alloc(6 * 1024 * 1024);
      for (let i = 0; i < body.length; i += 4) body.writeUInt32LE(i, i);
      const url = await rawServer((socket) => {
        socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n`);
        socket.end(body);
      });
      const sink = collector(true, lends);
      expect(await download(url, sink)).toEqual({ bytes: body.length, contentLength: body.length });
      expect(sink.pauses()).toBeGreaterThan(1);
      if (lends) expect(sink.filledCalls()).toBeGreaterThan(body.length / 70_000 - 1);
      expect(createHash('sha256').update(Buffer.concat(sink.parts)).digest('hex')).toBe(createHash('sha256').update(body).digest('hex'));
    });

    it('takes exactly Content-Length bytes when the server sends more', async () => {
      const url = await rawServer((socket) => {
        socket.write('HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n');
        setTimeout(() => socket.end(Buffer.alloc(100_050, 'p')), 20);
      });
      const sink = collector(false, lends);
      expect(await download(url, sink)).toEqual({ bytes: 100_000, contentLength: 100_000 });
      expect(Buffer.concat(sink.parts).equals(Buffer.alloc(100_000, 'p'))).toBe(true);
    });

    it('a connection cut mid-body is a retryable network error saying how far it got', async () => {
      const url = await rawServer((socket) => {
        socket.write('HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n');
        setTimeout(() => socket.write(Buffer.alloc(400)), 20);
        setTimeout(() => socket.destroy(), 60);
      });
      const sink = collector(false, lends);
      const error = await failureOf(download(url, sink));
      expect(error).toBeInstanceOf(MxRetryableError);
      expect(error).toMatchObject({ type: 'MxNetworkError' });
      expect((error as Error).message).toContain('download interrupted: connection closed after 400 of 1000 body bytes');
      expect(Buffer.concat(sink.parts).length).toBe(400);
    });

    it("passes the sink's own error through and closes the connection", async () => {
      const failing: ByteSink = lends
        ? {
            write: () => true,
            drained: async () => undefined,
            lend: () => Buffer.alloc(65_536),
            filled: () => {
              throw diskFull;
            },
          }
        : {
            write: () => {
              throw diskFull;
            },
            drained: async () => undefined,
          };
      await expectSinkFailureClosesConnection(failing);
    });
  });

  it("fails with the sink's error when it cannot lend memory, and closes the connection", async () => {
    await expectSinkFailureClosesConnection({
      write: () => true,
      drained: async () => undefined,
      lend: () => {
        throw diskFull;
      },
      filled: () => true,
    });
  });

  it("maps MX error statuses to the same typed errors as the JSON calls, with MX's message", async () => {
    const answer = (status: string, extra = '') => {
      const json = JSON.stringify({ error: { message: `said ${status}` } });
      return `HTTP/1.1 ${status}\r\nContent-Type: application/json\r\n${extra}Content-Length: ${json.length}\r\n\r\n${json}`;
    };
    let next = '';
    const url = await rawServer((socket) => socket.end(next));
    next = answer('404 Not Found');
    const notFound = await failureOf(download(url, collector()));
    expect(notFound).toBeInstanceOf(MxClientError);
    expect(notFound).toMatchObject({ type: 'MxNotFound', status: 404, mxMessage: 'said 404 Not Found' });
    next = answer('429 Too Many Requests', 'Retry-After: 7\r\n');
    expect(await failureOf(download(url, collector()))).toMatchObject({ type: 'MxRateLimited', nextRetryDelayMs: 7000 });
    next = answer('503 Service Unavailable');
    expect(await failureOf(download(url, collector()))).toMatchObject({ type: 'MxServerError', retryable: true });
  });

  it('silence before the head is a timeout; silence inside the body is a network error', async () => {
    const silent = await rawServer(() => undefined);
    const started = Date.now();
    expect(await failureOf(download(silent, collector(), { timeoutMs: 300 }))).toMatchObject({ type: 'MxTimeout' });
    expect(Date.now() - started).toBeLessThan(1500);
    const stalls = await rawServer((socket) => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc'));
    const error = await failureOf(download(stalls, collector(), { timeoutMs: 300 }));
    expect(error).toMatchObject({ type: 'MxNetworkError' });
    expect((error as Error).message).toContain('no data for 300 ms');
  });

  it('stops at once when cancelled, rethrowing the cancellation', async () => {
    let closed = false;
    const url = await rawServer((socket) => {
      socket.on('close', () => (closed = true));
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 100000000\r\n\r\n');
      const timer = setInterval(() => socket.write(Buffer.alloc(1000)), 5);
      socket.on('close', () => clearInterval(timer));
    });
    const controller = new AbortController();
    const reason = new Error('cancelled by Temporal');
    setTimeout(() => controller.abort(reason), 100);
    expect(await failureOf(download(url, collector(), { signal: controller.signal }))).toBe(reason);
    await new Promise((r) => setTimeout(r, 50));
    expect(closed).toBe(true);
  });

  it('refuses garbage as a retryable bad response', async () => {
    const garbage = await rawServer((socket) => socket.end('SSH-2.0-OpenSSH\r\n\r\n'));
    const error = await failureOf(download(garbage, collector()));
    expect(error).toMatchObject({ type: 'MxNetworkError' });
    expect((error as Error).message).toContain('malformed HTTP response');
  });
});
