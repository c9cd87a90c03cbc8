// The statement PDF's own HTTP/1.1 reader (src/mx/download.ts), against servers that answer with exact
// bytes: every framing, backpressure, cut connections, silence, cancellation, errors and TLS.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { promisify } from 'node:util';
import { createMxClient } from '../../src/mx/client';
import { rawGet, RawGetError } from '../../src/mx/download';
import { MxClientError, MxRetryableError } from '../../src/mx/errors';
import { parseProxyUrl } from '../../src/mx/proxy';
import type { ByteSink } from '../../src/storage/types';
import { createProxy } from 'proxy';

type Serve = (socket: net.Socket, request: string) => void;
const servers: net.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A server that reads the request head, then lets `serve` write whatever bytes it likes. */
async function rawServer(serve: Serve, secure?: tls.TlsOptions): Promise<string> {
  const onSocket = (socket: net.Socket) => {
    let head = '';
    socket.on('error', () => undefined);
    const onData = (chunk: Buffer) => {
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      serve(socket, head);
    };
    socket.on('data', onData);
  };
  const server = secure ? tls.createServer(secure, onSocket) : net.createServer(onSocket);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  return `${secure ? 'https' : 'http'}://127.0.0.1:${port}`;
}

/**
 * A sink that keeps copies. `slow` makes it ask for a pause on every write and drain later; `lends`
 * makes it lend its own memory (a small region, so a body takes many reads), as storage does.
 */
function collector(slow = false, lends = false) {
  const parts: Buffer[] = [];
  let pauses = 0;
  let filledCalls = 0;
  const region = Buffer.alloc(70_000);
  const take = (data: Uint8Array) => {
    parts.push(Buffer.from(data));
    if (slow) pauses++;
    return !slow;
  };
  const sink: ByteSink & { parts: Buffer[]; pauses: () => number; filledCalls: () => number } = {
    parts,
    pauses: () => pauses,
    filledCalls: () => filledCalls,
    write: take,
    drained: () => new Promise((r) => setTimeout(r, 2)),
    ...(lends && {
      lend: () => region.fill(0xee),
      filled: (bytes: number) => {
        filledCalls++;
        return take(region.subarray(0, bytes));
      },
    }),
  };
  return sink;
}

const client = (url: string, timeoutMs = 2000) => createMxClient({ baseUrl: url, clientId: 'client-1', apiKey: 'key-1', timeoutMs });
const download = (url: string, into: ByteSink, options: { signal?: AbortSignal; timeoutMs?: number } = {}) =>
  client(url, options.timeoutMs).downloadStatementPdf('U', 'M', 'STA-1', { into, signal: options.signal });
const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.fail('should have failed'),
    (e: unknown) => e,
  );

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

  describe('over TLS', () => {
    let key = '';
    let cert = '';
    beforeAll(async () => {
      const dir = await mkdtemp(join(tmpdir(), 'download-tls-'));
      try {
        await promisify(execFile)('openssl', [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-days',
          '1',
          '-subj',
          '/CN=localhost',
          '-addext',
          'subjectAltName=IP:127.0.0.1',
          '-keyout',
          join(dir, 'key.pem'),
          '-out',
          join(dir, 'cert.pem'),
        ]);
        [key, cert] = await Promise.all([readFile(join(dir, 'key.pem'), 'utf8'), readFile(join(dir, 'cert.pem'), 'utf8')]);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    it('downloads over https, and refuses a certificate it does not trust', async () => {
      const url = await rawServer((socket) => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nsecure'), { key, cert });
      const sink = collector();
      const response = await rawGet({ url: new URL('/x.pdf', url), headers: {}, timeoutMs: 2000, tls: { ca: cert } }, sink);
      expect(response).toMatchObject({ status: 200, bytes: 5 });
      expect(Buffer.concat(sink.parts).toString()).toBe('secur');

      const big = Buffer.alloc(300_000, 's');
      const bigUrl = await rawServer(
        (socket) => {
          socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${big.length}\r\n\r\n`);
          setTimeout(() => socket.end(big), 20);
        },
        { key, cert },
      );
      const lending = collector(false, true);
      expect(await rawGet({ url: new URL('/x.pdf', bigUrl), headers: {}, timeoutMs: 2000, tls: { ca: cert } }, lending)).toMatchObject({
        status: 200,
        bytes: big.length,
      });
      expect(Buffer.concat(lending.parts).equals(big)).toBe(true);
      expect(lending.filledCalls()).toBeGreaterThan(0);

      const untrusted = await failureOf(rawGet({ url: new URL('/x.pdf', url), headers: {}, timeoutMs: 2000 }, collector()));
      expect(untrusted).toBeInstanceOf(RawGetError);
      expect(untrusted).toMatchObject({ kind: 'network' });
      expect((untrusted as Error).message).toMatch(/self-signed|certificate/i);
    });

    it("never negotiates below TLS 1.2, even when Node's own defaults would", async () => {
      const old = { minVersion: tls.DEFAULT_MIN_VERSION, ciphers: tls.DEFAULT_CIPHERS };
      // What `--tls-min-v1.0 --tls-cipher-list=DEFAULT@SECLEVEL=0` in NODE_OPTIONS would do.
      tls.DEFAULT_MIN_VERSION = 'TLSv1';
      tls.DEFAULT_CIPHERS = 'DEFAULT@SECLEVEL=0';
      try {
        const legacy = { key, cert, minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' } as const;
        const url = await rawServer((socket) => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'), legacy);
        const refused = await failureOf(
          rawGet({ url: new URL('/x.pdf', url), headers: {}, timeoutMs: 2000, tls: { ca: cert } }, collector()),
        );
        expect(refused).toMatchObject({ kind: 'network' });
        expect((refused as Error).message).toMatch(/protocol version/i);
      } finally {
        Object.assign(tls, { DEFAULT_MIN_VERSION: old.minVersion, DEFAULT_CIPHERS: old.ciphers });
      }
    });

    describe('through a forward proxy', () => {
      const password = 'pr0xy p@ss';
      let proxyPort = 0;
      const seen: { method: string; target: string; authorization?: string }[] = [];
      beforeAll(async () => {
        const proxy = createProxy(http.createServer());
        proxy.authenticate = (req) => req.headers['proxy-authorization'] === `Basic ${Buffer.from(`pat:${password}`).toString('base64')}`;
        const record = (req: http.IncomingMessage) =>
          seen.push({ method: req.method!, target: req.url!, authorization: req.headers['proxy-authorization'] });
        proxy.prependListener('connect', record);
        proxy.prependListener('request', record);
        await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
        proxyPort = (proxy.address() as net.AddressInfo).port;
        return () => new Promise<void>((r) => proxy.close(() => r()));
      });
      const via = (user = 'pat', secret = password) => parseProxyUrl(`http://${user}:${encodeURIComponent(secret)}@127.0.0.1:${proxyPort}`);

      it("tunnels https with CONNECT, sending the proxy's credentials to the proxy only", async () => {
        const big = Buffer.alloc(300_000, 't');
        let request = '';
        const url = await rawServer(
          (socket, head) => {
            request = head;
            socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${big.length}\r\n\r\n`);
            setTimeout(() => socket.end(big), 20);
          },
          { key, cert },
        );
        seen.length = 0;
        const lending = collector(true, true);
        const response = await rawGet(
          { url: new URL('/s.pdf', url), headers: {}, timeoutMs: 2000, tls: { ca: cert }, proxy: via() },
          lending,
        );
        expect(response).toMatchObject({ status: 200, bytes: big.length });
        expect(Buffer.concat(lending.parts).equals(big)).toBe(true);
        expect(lending.pauses()).toBeGreaterThan(1);
        expect(seen).toEqual([{ method: 'CONNECT', target: new URL(url).host, authorization: via().authorization }]);
        expect(request).toMatch(/^GET \/s\.pdf HTTP\/1\.1\r\n/);
        expect(request.toLowerCase()).not.toContain('proxy-authorization');
      });

      it('through the tunnel, reads a body framed by the end of the connection to its last byte', async () => {
        const body = Buffer.alloc(200_000, 'c');
        const url = await rawServer(
          (socket) => {
            socket.write('HTTP/1.1 200 OK\r\n\r\n');
            setTimeout(() => socket.end(body), 20);
          },
          { key, cert },
        );
        const sink = collector();
        expect(
          await rawGet({ url: new URL('/c.pdf', url), headers: {}, timeoutMs: 2000, tls: { ca: cert }, proxy: via() }, sink),
        ).toMatchObject({ status: 200, bytes: body.length });
        expect(Buffer.concat(sink.parts).equals(body)).toBe(true);
      });

      it('sends plain http to the proxy in absolute form', async () => {
        const url = await rawServer((socket) => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nplain'));
        seen.length = 0;
        const sink = collector();
        expect(await rawGet({ url: new URL('/p.pdf?x=1', url), headers: {}, timeoutMs: 2000, proxy: via() }, sink)).toMatchObject({
          status: 200,
          bytes: 5,
        });
        expect(Buffer.concat(sink.parts).toString()).toBe('plain');
        expect(seen).toEqual([{ method: 'GET', target: `${url}/p.pdf?x=1`, authorization: via().authorization }]);
      });

      it('wrong proxy credentials: an error naming the proxy and its answer, never the password', async () => {
        const url = await rawServer((socket) => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'), { key, cert });
        const wrong = 'wr0ng-secret';
        const error = await failureOf(
          rawGet({ url: new URL('/s.pdf', url), headers: {}, timeoutMs: 2000, tls: { ca: cert }, proxy: via('pat', wrong) }, collector()),
        );
        expect(error).toMatchObject({ kind: 'network' });
        expect((error as Error).message).toBe(
          `proxy http://127.0.0.1:${proxyPort} answered 407 Proxy Authentication Required to CONNECT ${new URL(url).host}`,
        );
        expect(JSON.stringify(error, Object.getOwnPropertyNames(error))).not.toContain(wrong);
      });

      it('an unreachable proxy is a network error that names it', async () => {
        const closed = await new Promise<number>((r) => {
          const s = net.createServer().listen(0, '127.0.0.1', () => {
            const { port } = s.address() as net.AddressInfo;
            s.close(() => r(port));
          });
        });
        const proxy = parseProxyUrl(`http://127.0.0.1:${closed}`);
        const error = await failureOf(
          rawGet({ url: new URL('https://127.0.0.1:1/s.pdf'), headers: {}, timeoutMs: 2000, proxy }, collector()),
        );
        expect(error).toMatchObject({ kind: 'network' });
        expect((error as Error).message).toMatch(new RegExp(`^proxy http://127.0.0.1:${closed}: connect ECONNREFUSED`));
      });
    });
  });
});
