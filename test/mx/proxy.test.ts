// The client through the egress a production network has: a real forward proxy (npm `proxy`) on
// loopback in front of the real sandbox, served over https by a TLS front whose certificate only
// NODE_EXTRA_CA_CERTS makes trusted. The client runs in a child process built from the environment
// (test/mx/fixtures/egress-client.ts), as the worker is.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { promisify } from 'node:util';
import { createProxy } from 'proxy';
import { createMxClient } from '../../src/mx/client';
import { bypassesProxy, proxyFor } from '../../src/mx/proxy';
import { startSandbox, type Sandbox } from '../../src/sandbox/server';
import { selfSignedCert } from '../helpers/self-signed-cert';

const run = promisify(execFile);
const API_KEY = 'egress-api-key-4242';
const PROXY_PASSWORD = 'egress-proxy-p@ss';
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

let dir = '';
let cert = '';
let key = '';
let sandbox: Sandbox;
let proxyUrl = '';
const closers: (() => Promise<void>)[] = [];
/** What the proxy was asked: CONNECT authorities and absolute-form URLs. */
const proxied: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'egress-'));
  ({ key, cert } = await selfSignedCert(dir, 'Egress Test CA'));
  sandbox = await startSandbox({ clientId: 'egress-client', apiKey: API_KEY, jobDurationMs: 100, statementBytes: 200_000 });
  closers.push(() => sandbox.close());

  const proxy = createProxy(http.createServer());
  proxy.authenticate = (req) => req.headers['proxy-authorization'] === basic('egress', PROXY_PASSWORD);
  proxy.prependListener('connect', (req: http.IncomingMessage) => proxied.push(`CONNECT ${req.url}`));
  proxy.prependListener('request', (req: http.IncomingMessage) => proxied.push(`${req.method} ${req.url}`));
  proxyUrl = `http://egress:${encodeURIComponent(PROXY_PASSWORD)}@127.0.0.1:${await listen(proxy)}`;
  closers.push(() => new Promise((r) => proxy.close(() => r())));
});

afterAll(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as net.AddressInfo).port;
}

/** MX's https in front of the sandbox, the way a load balancer terminates TLS. */
async function httpsFront(options: tls.TlsOptions = {}): Promise<string> {
  const front = tls.createServer({ key, cert, ...options }, (client) => {
    const upstream = net.connect(sandbox.port, '127.0.0.1');
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.pipe(upstream).pipe(client);
  });
  front.on('tlsClientError', () => undefined);
  const port = await listen(front);
  closers.push(() => new Promise((r) => front.close(() => r())));
  return `https://127.0.0.1:${port}`;
}

/** Runs the fixture with exactly these variables (plus PATH); returns its JSON line and all it printed. */
async function client(mode: 'guide' | 'probe', env: Record<string, string>): Promise<{ result: Record<string, unknown>; output: string }> {
  const fixture = join(import.meta.dirname, 'fixtures', 'egress-client.ts');
  const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', fixture, mode], {
    env: { PATH: process.env.PATH, MX_CLIENT_ID: 'egress-client', MX_API_KEY: API_KEY, NODE_EXTRA_CA_CERTS: join(dir, 'cert.pem'), ...env },
    timeout: 30_000,
  });
  return { result: JSON.parse(stdout.trim().split('\n').at(-1)!), output: stdout + stderr };
}

describe('the MX client through a forward proxy', () => {
  it("runs the statements guide's calls and downloads the PDF through the CONNECT tunnel, trusting NODE_EXTRA_CA_CERTS", async () => {
    const mx = await httpsFront();
    proxied.length = 0;
    const { result } = await client('guide', { MX_BASE_URL: mx, HTTPS_PROXY: proxyUrl });
    expect(result).toEqual({ bytes: 200_000, hashMatches: true });
    // ky's calls share kept-alive tunnels; the PDF reader opens its own: at least two CONNECTs, nothing else.
    expect(proxied.length).toBeGreaterThanOrEqual(2);
    expect(new Set(proxied)).toEqual(new Set([`CONNECT ${new URL(mx).host}`]));
  });

  it('goes direct for a host in NO_PROXY', async () => {
    const mx = await httpsFront();
    proxied.length = 0;
    const { result } = await client('probe', {
      MX_BASE_URL: mx,
      HTTPS_PROXY: proxyUrl,
      NO_PROXY: `example.com, 127.0.0.1:${new URL(mx).port}`,
    });
    expect(result).toEqual({ json: 'done', pdf: expect.objectContaining({ type: 'MxNotFound' }) });
    expect(proxied).toEqual([]);
  });

  it("wrong proxy credentials: both paths fail naming the proxy's 407, never showing the password", async () => {
    const mx = await httpsFront();
    const wrong = proxyUrl.replace(encodeURIComponent(PROXY_PASSWORD), 'not-the-password');
    const { result, output } = await client('probe', { MX_BASE_URL: mx, HTTPS_PROXY: wrong });
    const proxyOrigin = `http://${new URL(proxyUrl).host}`;
    // Not retried: no number of attempts fixes a wrong password in HTTPS_PROXY.
    expect(result.json).toMatchObject({
      type: 'MxProxyAuthRequired',
      message: expect.stringContaining(
        `the proxy refused our credentials (proxy ${proxyOrigin} answered 407 to CONNECT ${new URL(mx).host}): check the user and password in HTTPS_PROXY`,
      ),
    });
    expect(result.pdf).toMatchObject({
      type: 'MxProxyAuthRequired',
      message: expect.stringContaining(
        `answered 407 Proxy Authentication Required to CONNECT ${new URL(mx).host}): check the user and password in HTTPS_PROXY`,
      ),
    });
    for (const secret of ['not-the-password', PROXY_PASSWORD, API_KEY]) expect(output).not.toContain(secret);
  });

  it("refuses a server that offers only TLS 1.1, on both paths, even when NODE_OPTIONS lowers Node's floor", async () => {
    const mx = await httpsFront({ minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' });
    const { result } = await client('probe', { MX_BASE_URL: mx, NODE_OPTIONS: '--tls-min-v1.0 --tls-cipher-list=DEFAULT@SECLEVEL=0' });
    expect(result.json).toMatchObject({ type: 'MxNetworkError', message: expect.stringMatching(/protocol version/i) });
    expect(result.pdf).toMatchObject({ type: 'MxNetworkError', message: expect.stringMatching(/protocol version/i) });
  });

  it('without NODE_EXTRA_CA_CERTS the same server is not trusted: the CA really comes from the default store', async () => {
    const mx = await httpsFront();
    const { result } = await client('probe', { MX_BASE_URL: mx, NODE_EXTRA_CA_CERTS: '' });
    expect(result.json).toMatchObject({ type: 'MxNetworkError', message: expect.stringMatching(/self.signed|certificate/i) });
    expect(result.pdf).toMatchObject({ type: 'MxNetworkError', message: expect.stringMatching(/self.signed|certificate/i) });
  });
});

describe('choosing the proxy', () => {
  const settings = { httpsProxy: 'http://u:p%40ss@proxy.corp:3128', httpProxy: 'plain.corp:8080' };

  it('takes HTTPS_PROXY for https and HTTP_PROXY (a bare host:port is http://) for http, with Basic credentials', () => {
    expect(proxyFor(new URL('https://int-api.mx.com'), settings)).toEqual({
      origin: 'http://proxy.corp:3128',
      host: 'proxy.corp',
      port: 3128,
      authorization: basic('u', 'p@ss'),
      secrets: ['p@ss', 'p%40ss', basic('u', 'p@ss').slice(6)],
    });
    expect(proxyFor(new URL('http://127.0.0.1:8090'), settings)).toEqual({
      origin: 'http://plain.corp:8080',
      host: 'plain.corp',
      port: 8080,
      secrets: [],
    });
    expect(proxyFor(new URL('https://int-api.mx.com'), { httpProxy: 'plain.corp:8080' })).toBeUndefined();
  });

  it('a client given a proxy URL it cannot use says so without showing it', () => {
    const options = { baseUrl: 'https://int-api.mx.com', clientId: 'c', apiKey: 'k', timeoutMs: 1000 };
    const make = (httpsProxy: string) => () => createMxClient({ ...options, proxy: { httpsProxy } });
    expect(make('https://u:secret-pw@proxy:3128')).toThrow(
      'Invalid MX client options: proxy URL must be an http:// proxy URL, not https://',
    );
    expect(make('http://u:secret-pw@[bad')).toThrow(/^Invalid MX client options: proxy URL is not a URL/);
    expect(make('http://u:secret-pw@[bad')).not.toThrow(/secret-pw/);
  });

  it.each([
    ['int-api.mx.com', true],
    ['.mx.com', true],
    ['*.mx.com', true],
    ['mx.com', true],
    ['api.mx.com', false],
    ['x.com', false],
    ['int-api.mx.com:443', true],
    ['int-api.mx.com:8443', false],
    ['other.org, INT-API.MX.COM', true],
    ['other.org int-api.mx.com', true],
    ['*', true],
    ['', false],
  ])('NO_PROXY %j bypasses https://int-api.mx.com: %s', (noProxy, bypassed) => {
    expect(bypassesProxy(new URL('https://int-api.mx.com'), noProxy)).toBe(bypassed);
  });

  it.each([
    ['::1', 'http://[::1]:8090', true],
    ['[::1]:8090', 'http://[::1]:8090', true],
    ['[::1]:9999', 'http://[::1]:8090', false],
    ['127.0.0.1', 'http://127.0.0.1:8090', true],
    ['27.0.0.1', 'http://127.0.0.1:8090', false],
  ])('NO_PROXY %j bypasses %s: %s', (noProxy, url, bypassed) => {
    expect(bypassesProxy(new URL(url), noProxy)).toBe(bypassed);
  });
});
