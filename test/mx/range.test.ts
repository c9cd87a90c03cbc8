// Resuming a statement download with Range: against the real sandbox (which serves Range), and against
// servers that answer a Range request wrongly, where the client must refuse to append the body.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import net from 'node:net';
import { createMxClient } from '../../src/mx/client';
import { parseContentRange, RangeNotHonouredError } from '../../src/mx/content-range';
import type { ByteSink } from '../../src/storage/types';
import { connectMember, idle, startHarness, waitForMember, type Harness } from '../activities/setup';

function collector() {
  const parts: Buffer[] = [];
  const sink: ByteSink = { write: (chunk) => (parts.push(Buffer.from(chunk)), true), drained: async () => undefined };
  return { sink, bytes: () => Buffer.concat(parts) };
}

describe('parseContentRange', () => {
  it.each([
    ['bytes 100-199/1000', { start: 100, end: 199, size: 1000 }],
    ['bytes 0-0/*', { start: 0, end: 0, size: null }],
    ['bytes 100-99/1000', null],
    ['bytes 100-1000/1000', null],
    ['bytes */1000', null],
    ['items 1-2/3', null],
    [undefined, null],
  ])('%j', (header, expected) => {
    expect(parseContentRange(header)).toEqual(expected);
  });
});

describe('a resumed download from the sandbox', () => {
  let h: Harness;
  let statement: { userGuid: string; memberGuid: string; guid: string };
  beforeAll(async () => {
    h = await startHarness({ statementBytes: 300_000 });
    const ref = await connectMember(h, 'password');
    await waitForMember(h, ref, idle);
    await h.activities.startStatementsJob(ref);
    await waitForMember(h, ref, idle);
    const [first] = await h.activities.listStatements(ref);
    statement = { ...ref, guid: first!.guid };
  });
  afterAll(() => h?.close());
  const get = (into: ByteSink, from?: number, onStart?: (length: number | null, offset: number) => void) =>
    h.mx.downloadStatementPdf(statement.userGuid, statement.memberGuid, statement.guid, { into, from, onStart });

  it('asks for the bytes after the offset and gets exactly them', async () => {
    const whole = collector();
    await get(whole.sink);
    const rest = collector();
    const started: [number | null, number][] = [];
    await get(rest.sink, 123_456, (length, offset) => started.push([length, offset]));
    expect(started).toEqual([[whole.bytes().length - 123_456, 123_456]]);
    expect(rest.bytes().equals(whole.bytes().subarray(123_456))).toBe(true);
  });

  it('a Range past the end is not appended anywhere: RangeNotHonouredError, to start over', async () => {
    const error = await get(collector().sink, 10_000_000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RangeNotHonouredError);
    expect((error as Error).message).toMatch(/from 10000000 on, the server answered 416/);
  });
});

describe('servers that answer a Range request wrongly', () => {
  const servers: net.Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
  });

  /** Answers every request with `head` and `body`; records the request heads. */
  async function server(head: string, body: Buffer): Promise<{ url: string; requests: string[] }> {
    const requests: string[] = [];
    const s = net.createServer((socket) => {
      let text = '';
      socket.on('error', () => undefined);
      socket.on('data', (chunk) => {
        text += chunk.toString('latin1');
        if (!text.includes('\r\n\r\n')) return;
        requests.push(text);
        socket.end(Buffer.concat([Buffer.from(`${head}\r\nContent-Length: ${body.length}\r\n\r\n`, 'latin1'), body]));
      });
    });
    servers.push(s);
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    return { url: `http://127.0.0.1:${(s.address() as net.AddressInfo).port}`, requests };
  }

  const download = (url: string, from: number, onStart?: (length: number | null, offset: number) => void) => {
    const client = createMxClient({ baseUrl: url, clientId: 'c', apiKey: 'k', timeoutMs: 2_000 });
    const out = collector();
    return { out, done: client.downloadStatementPdf('USR-1', 'MBR-1', 'STA-1', { into: out.sink, from, onStart }) };
  };

  it('a server that ignores Range sends the whole file: the body starts at offset 0', async () => {
    const { url, requests } = await server('HTTP/1.1 200 OK', Buffer.from('whole file'));
    const offsets: number[] = [];
    const { out, done } = download(url, 4, (_length, offset) => offsets.push(offset));
    await done;
    expect(requests[0]).toMatch(/\r\nrange: bytes=4-\r\n/i);
    expect(offsets).toEqual([0]);
    expect(out.bytes().toString()).toBe('whole file');
  });

  it.each([
    ['another start', 'Content-Range: bytes 3-9/10'],
    ['no Content-Range', 'X-Nothing: 1'],
    ['a malformed one', 'Content-Range: bytes four-nine/10'],
  ])('a 206 with %s is refused before any body byte reaches the sink', async (_name, header) => {
    const { url } = await server(`HTTP/1.1 206 Partial Content\r\n${header}`, Buffer.from('ile!!!'));
    const { out, done } = download(url, 4);
    await expect(done).rejects.toBeInstanceOf(RangeNotHonouredError);
    expect(out.bytes().length).toBe(0);
  });

  it('a 206 whose length disagrees with its Content-Range is refused', async () => {
    const { url } = await server('HTTP/1.1 206 Partial Content\r\nContent-Range: bytes 4-9/10', Buffer.from('ile'));
    await expect(download(url, 4).done).rejects.toBeInstanceOf(RangeNotHonouredError);
  });

  it('a 206 nobody asked for is refused too', async () => {
    const { url } = await server('HTTP/1.1 206 Partial Content\r\nContent-Range: bytes 0-2/10', Buffer.from('who'));
    await expect(download(url, 0).done).rejects.toBeInstanceOf(RangeNotHonouredError);
  });
});
