// A CONNECT tunnel through an HTTP forward proxy (RFC 9110 §9.3.6), for the statement PDF reader: once the
// proxy answers 2xx the socket is a raw byte pipe to MX, and TLS to MX runs inside it end to end.
import type net from 'node:net';
import { RawGetError } from './download-errors';
import { type Proxy, ProxyRefusedError } from './proxy';

const MAX_HEAD_BYTES = 16 * 1024;

/**
 * Asks `proxy` (already connected on `socket`) for a tunnel to `authority` (host:port). Resolves once the
 * tunnel is open; rejects with a RawGetError naming the proxy and its answer, never its credentials.
 */
export function openTunnel(socket: net.Socket, proxy: Proxy, authority: string): Promise<void> {
  const lines = [`CONNECT ${authority} HTTP/1.1`, `Host: ${authority}`];
  if (proxy.authorization) lines.push(`Proxy-Authorization: ${proxy.authorization}`);
  socket.write(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
  return new Promise((resolve, reject) => {
    let head = Buffer.alloc(0);
    const onData = (data: Buffer) => {
      head = Buffer.concat([head, data]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0 && head.length <= MAX_HEAD_BYTES) return;
      socket.off('data', onData);
      if (end < 0)
        return reject(new RawGetError('protocol', `proxy ${proxy.origin} sent a response head longer than ${MAX_HEAD_BYTES} bytes`));
      const status = /^HTTP\/1\.[01] (\d{3})([^\r\n]*)/.exec(head.toString('latin1', 0, end));
      if (!status) return reject(new RawGetError('protocol', `proxy ${proxy.origin} sent a malformed answer to CONNECT`));
      const code = Number(status[1]);
      if (code >= 200 && code < 300) {
        if (end + 4 === head.length) return resolve();
        return reject(new RawGetError('protocol', `proxy ${proxy.origin} sent bytes after its answer to CONNECT`));
      }
      const reason = status[2]!
        .trim()
        .replace(/[^\x20-\x7e]/g, '')
        .slice(0, 100);
      const refusal = `proxy ${proxy.origin} answered ${code}${reason ? ` ${reason}` : ''} to CONNECT ${authority}`;
      reject(new RawGetError('network', refusal, { cause: new ProxyRefusedError(code, refusal) }));
    };
    socket.on('data', onData);
  });
}
