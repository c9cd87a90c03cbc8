import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultPayloadConverter } from '@temporalio/common';
import { EncryptionCodec } from '../../src/temporal/codec';
import { type CodecServer, startCodecServer } from '../../src/temporal/codec-server';

const uiOrigin = 'http://localhost:8233';
const secret = { password: 'codec-server-secret' };
const b64 = (s: string) => Buffer.from(s).toString('base64');
const unb64 = (s: string) => Buffer.from(s, 'base64').toString('utf8');

interface JsonPayloads {
  payloads: { metadata: Record<string, string>; data: string }[];
}

describe('codec server (Temporal remote codec protocol)', () => {
  let server: CodecServer;
  beforeAll(async () => {
    server = await startCodecServer({ port: 0, codec: new EncryptionCodec(randomBytes(32)), corsOrigins: [uiOrigin] });
  });
  afterAll(async () => server?.close());

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Namespace': 'default', ...headers },
      body: JSON.stringify(body),
    });

  it('listens on loopback by default', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('encodes JSON payloads into ciphertext and decodes them back', async () => {
    const plain = { metadata: { encoding: b64('json/plain') }, data: b64(JSON.stringify(secret)) };
    const encoded = (await (await post('/encode', { payloads: [plain] })).json()) as JsonPayloads;
    expect(unb64(encoded.payloads[0]!.metadata.encoding!)).toBe('binary/encrypted');
    expect(unb64(encoded.payloads[0]!.data)).not.toContain('codec-server-secret');

    const decodedRes = await post('/decode', encoded);
    expect(decodedRes.status).toBe(200);
    const decoded = (await decodedRes.json()) as JsonPayloads;
    expect(decoded.payloads).toEqual([plain]);
  });

  it('decodes a payload the SDK encrypted, and passes plain ones through', async () => {
    const codec = new EncryptionCodec(randomBytes(32));
    const other = await startCodecServer({ port: 0, codec, corsOrigins: [] });
    try {
      const [encrypted] = await codec.encode([defaultPayloadConverter.toPayload(secret)]);
      const asJson = (p: typeof encrypted) => ({
        metadata: Object.fromEntries(Object.entries(p!.metadata!).map(([k, v]) => [k, Buffer.from(v!).toString('base64')])),
        data: Buffer.from(p!.data!).toString('base64'),
      });
      const plain = asJson(defaultPayloadConverter.toPayload('not secret'));
      const res = await fetch(`${other.url}/decode`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ payloads: [asJson(encrypted), plain] }),
      });
      const body = (await res.json()) as JsonPayloads;
      expect(JSON.parse(unb64(body.payloads[0]!.data))).toEqual(secret);
      expect(body.payloads[1]).toEqual(plain);
    } finally {
      await other.close();
    }
  });

  it('answers a payload it cannot decrypt with 422 and the reason', async () => {
    const foreign = await new EncryptionCodec(randomBytes(32)).encode([defaultPayloadConverter.toPayload(secret)]);
    const res = await post('/decode', {
      payloads: foreign.map((p) => ({
        metadata: Object.fromEntries(Object.entries(p.metadata!).map(([k, v]) => [k, Buffer.from(v!).toString('base64')])),
        data: Buffer.from(p.data!).toString('base64'),
      })),
    });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { error: string }).error).toMatch(/which this process does not have/);
  });

  it('treats an empty body object as no payloads, as the CLI sends it for a query without arguments', async () => {
    for (const path of ['/encode', '/decode']) {
      const res = await post(path, {});
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ payloads: [] });
    }
  });

  it('rejects a malformed body with 400 naming the problem', async () => {
    const res = await post('/decode', { nope: true });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/must be JSON: \{"payloads"/);
    const bad = await post('/decode', { payloads: [{ data: 42 }] });
    expect(((await bad.json()) as { error: string }).error).toBe('payloads[0].data must be a base64 string.');
  });

  it('answers the Web UI preflight and allows its origin', async () => {
    const preflight = await fetch(`${server.url}/decode`, {
      method: 'OPTIONS',
      headers: {
        Origin: uiOrigin,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type,x-namespace',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(uiOrigin);
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
    expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('x-namespace');

    const res = await post('/decode', { payloads: [] }, { Origin: uiOrigin });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(uiOrigin);
  });

  it('refuses browsers from other origins', async () => {
    const res = await post('/decode', { payloads: [] }, { Origin: 'http://evil.example' });
    expect(res.status).toBe(403);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('says which port is taken when it cannot listen', async () => {
    const port = Number(new URL(server.url).port);
    await expect(startCodecServer({ port, codec: new EncryptionCodec(randomBytes(32)), corsOrigins: [] })).rejects.toThrow(
      new RegExp(`Port ${port} on 127.0.0.1 is already in use.*CODEC_PORT`),
    );
  });
});
