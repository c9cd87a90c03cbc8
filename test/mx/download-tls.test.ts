// The statement PDF's own HTTP/1.1 reader (src/mx/download.ts) over TLS and through a forward proxy,
// against servers that answer with exact bytes.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { createProxy } from 'proxy';
import { selfSignedCert } from '../helpers/self-signed-cert';
import { rawGet, RawGetError } from '../../src/mx/download';
import { parseProxyUrl } from '../../src/mx/proxy';
import { closeRawServers, collector, failureOf, rawServer } from './helpers/raw-server';

afterEach(closeRawServers);

describe('statement PDF reader over TLS', () => {
  let key = '';
  let cert = '';
  beforeAll(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'download-tls-'));
    try {
      ({ key, cert } = await selfSignedCert(dir, 'localhost'));
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
