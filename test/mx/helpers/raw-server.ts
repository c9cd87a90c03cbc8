// Servers that answer with exact bytes, and a sink that keeps what it is given, for the tests of the
// statement PDF's own HTTP/1.1 reader (download.test.ts, download-tls.test.ts).
import net from 'node:net';
import tls from 'node:tls';
import { expect } from 'vitest';
import type { ByteSink } from '../../../src/storage/types';

export type Serve = (socket: net.Socket, request: string) => void;
const servers: net.Server[] = [];

/** Closes every server rawServer started (the test files' afterEach). */
export async function closeRawServers(): Promise<void> {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
}

/** A server that reads the request head, then lets `serve` write whatever bytes it likes. */
export async function rawServer(serve: Serve, secure?: tls.TlsOptions): Promise<string> {
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
export function collector(slow = false, lends = false) {
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

export const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.fail('should have failed'),
    (e: unknown) => e,
  );
