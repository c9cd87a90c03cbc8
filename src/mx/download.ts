// A GET whose body goes straight into a ByteSink with no copy in JavaScript: through net/tls `onread`,
// the kernel reads a Content-Length body directly into memory the sink lends (storage's own write
// buffers, where it is hashed in place); anything else (head, chunked framing, a sink that does not
// lend) is read into one reused buffer and handed over to be copied.
// Node's http client and fetch allocate fresh memory for every 64 KB read and copy it once more in the
// parser; for a statement PDF of hundreds of MB that churn (page faults, GC) cost more than the hash,
// and the copy this reader saves was the last thing keeping the download below curl's speed.
// This is deliberately small: one request per connection (`Connection: close`), HTTP/1.1 framing by
// Content-Length, chunked transfer coding, or end of connection. Everything else in the MX client
// stays on ky. The request and response types are in download-types.ts, the HTTP/1.1 framing in http1-framing.ts.
import net from 'node:net';
import tls from 'node:tls';
import type { ByteSink } from '../storage/types';
import { RawGetError } from './download-errors';
import type { RawGetRequest, RawGetResponse } from './download-types';
import { MIN_TLS_VERSION } from './egress';
import { ChunkedDecoder, framingOf, parseHead, type Framing } from './http1-framing';
import { openTunnel } from './tunnel';

export { RawGetError, type RawGetFailureKind } from './download-errors';
export type { RawGetRequest, RawGetResponse } from './download-types';

const READ_BUFFER_BYTES = 512 * 1024;
const MAX_HEAD_BYTES = 64 * 1024;
const MAX_ERROR_TEXT_BYTES = 64 * 1024;

/**
 * Sends the GET and pushes a 2xx body into `sink`, honouring its backpressure. Resolves once the whole
 * body has been taken; rejects with a RawGetError, with what the sink threw, or with the signal's reason.
 */
export function rawGet(request: RawGetRequest, sink: ByteSink, onHead?: (response: RawGetResponse) => void): Promise<RawGetResponse> {
  request.signal?.throwIfAborted();
  return new Promise((resolve, reject) => new Exchange(request, sink, onHead, resolve, reject).start());
}

class Exchange {
  private socket: net.Socket | null = null;
  private readonly readBuffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
  /** The sink's memory Node is reading into, if it is. */
  private lent: Uint8Array | null = null;
  private head: Buffer[] = [];
  private headBytes = 0;
  private response: RawGetResponse | null = null;
  private framing: Framing = { kind: 'none' };
  private readonly chunked = new ChunkedDecoder();
  private readonly errorText: Buffer[] = [];
  private errorTextBytes = 0;
  private headTimer: NodeJS.Timeout | null = null;
  private settled = false;

  constructor(
    private readonly request: RawGetRequest,
    private readonly sink: ByteSink,
    private readonly onHead: ((response: RawGetResponse) => void) | undefined,
    private readonly resolve: (response: RawGetResponse) => void,
    private readonly reject: (error: unknown) => void,
  ) {}

  start(): void {
    const { url, signal, timeoutMs, proxy } = this.request;
    const secure = url.protocol === 'https:';
    if (!secure && url.protocol !== 'http:') return this.fail(new RawGetError('protocol', `unsupported URL scheme ${url.protocol}`));
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    const port = Number(url.port || (secure ? 443 : 80));
    const head = this.requestHead(proxy && !secure ? url.href : `${url.pathname || '/'}${url.search}`);
    if (!head) return;
    this.headTimer = setTimeout(() => this.fail(new RawGetError('timeout', `no response within ${timeoutMs} ms`)), timeoutMs);
    signal?.addEventListener('abort', this.onAbort, { once: true });

    // Node asks for the buffer of each next read: the sink's own memory while a Content-Length body
    // streams (no copy at all), this exchange's read buffer otherwise (head, chunked framing, errors).
    const onread = { buffer: () => this.nextReadBuffer(), callback: (n: number, buffer: Uint8Array) => this.onSocketRead(n, buffer) };
    // @types/node leaves `onread` out of tls.connect's options, though Node documents and honours it.
    const secureOver = (socket?: net.Socket) =>
      tls.connect({
        ...this.request.tls,
        host,
        port,
        socket,
        servername: net.isIP(host) ? undefined : host,
        ALPNProtocols: ['http/1.1'],
        minVersion: MIN_TLS_VERSION,
        onread,
      } as tls.ConnectionOptions);
    if (proxy && secure) {
      const toProxy = this.watch(net.connect({ host: proxy.host, port: proxy.port }), `proxy ${proxy.origin}: `);
      openTunnel(toProxy, proxy, `${url.hostname}:${port}`).then(
        () => !this.settled && this.send(this.readByEvents(secureOver(toProxy)), head),
        (error: unknown) => this.fail(error),
      );
    } else if (proxy) {
      this.send(net.connect({ host: proxy.host, port: proxy.port, onread }), head);
    } else {
      this.send(secure ? secureOver() : net.connect({ host, port, onread }), head);
    }
  }

  /** The request head; null (and the exchange failed) when a header would break the framing. */
  private requestHead(target: string): string | null {
    const { url, headers, proxy } = this.request;
    const lines = [`GET ${target} HTTP/1.1`, `Host: ${url.host}`, 'Connection: close'];
    // Only a proxy that reads the request (plain http) needs its credentials in it; a tunnel had them at CONNECT.
    if (proxy?.authorization && url.protocol === 'http:') lines.push(`Proxy-Authorization: ${proxy.authorization}`);
    for (const [name, value] of Object.entries(headers)) {
      if (/[\r\n]/.test(name) || /[\r\n]/.test(value)) {
        this.fail(new RawGetError('protocol', `header ${name} contains a line break`));
        return null;
      }
      lines.push(`${name}: ${value}`);
    }
    return `${lines.join('\r\n')}\r\n\r\n`;
  }

  /** Fails the exchange on anything the socket reports; `context` names a hop other than MX. */
  private watch<S extends net.Socket>(socket: S, context = ''): S {
    this.socket = socket;
    socket.setNoDelay(true);
    socket.on('error', (error) => this.fail(new RawGetError('network', `${context}${describeSocketError(error)}`, { cause: error })));
    socket.on('end', () => this.onEnd());
    socket.on('close', () => this.onEnd());
    socket.on('timeout', () => this.fail(new RawGetError('network', `no data for ${this.request.timeoutMs} ms while reading the body`)));
    return socket;
  }

  /**
   * Node ignores `onread` when TLS wraps a socket it did not open (the tunnel), so there the body comes as
   * 'data' events and is copied into the sink: only proxied downloads pay that copy.
   */
  private readByEvents(socket: tls.TLSSocket): tls.TLSSocket {
    socket.on('data', (data: Buffer) => this.onRead(data) || this.settled || socket.pause());
    return socket;
  }

  private send(socket: net.Socket, head: string): void {
    this.watch(socket).write(head, 'latin1');
  }

  private readonly onAbort = () => this.fail(this.request.signal?.reason);

  private nextReadBuffer(): Uint8Array {
    this.lent = null;
    const framing = this.framing;
    if (
      !this.settled &&
      this.sink.lend &&
      this.response &&
      this.response.status < 300 &&
      framing.kind === 'length' &&
      framing.remaining > 0
    ) {
      try {
        return (this.lent = this.sink.lend());
      } catch (error) {
        // Failing here would destroy the socket inside Node's own read callback: do it right after.
        queueMicrotask(() => this.fail(error));
      }
    }
    return this.readBuffer;
  }

  private onSocketRead(n: number, buffer: Uint8Array): boolean {
    if (buffer !== this.lent) return this.onRead(this.readBuffer.subarray(0, n));
    if (this.settled) return false;
    try {
      const framing = this.framing as Extract<Framing, { kind: 'length' }>;
      const take = Math.min(n, framing.remaining);
      framing.remaining -= take;
      this.response!.bytes += take;
      const more = this.sink.filled!(take);
      if (framing.remaining === 0) this.complete();
      else if (!more) this.resumeWhenDrained();
      return more || this.settled;
    } catch (error) {
      this.fail(error);
      return false;
    }
  }

  /** Returns false to pause the socket until the sink has drained. */
  private onRead(data: Buffer): boolean {
    if (this.settled) return false;
    try {
      if (!this.response) {
        const body = this.readHead(data);
        if (!body) return true;
        data = body;
      }
      return this.readBody(data);
    } catch (error) {
      this.fail(error);
      return false;
    }
  }

  /** Collects the head; returns the bytes after it once it is complete (possibly empty). */
  private readHead(data: Buffer): Buffer | null {
    this.head.push(Buffer.from(data));
    this.headBytes += data.length;
    const all = Buffer.concat(this.head);
    const end = all.indexOf('\r\n\r\n');
    if (end < 0) {
      if (this.headBytes > MAX_HEAD_BYTES) throw new RawGetError('protocol', `response head longer than ${MAX_HEAD_BYTES} bytes`);
      this.head = [all];
      return null;
    }
    const response = parseHead(all.subarray(0, end).toString('latin1'));
    const rest = all.subarray(end + 4);
    this.head = [];
    this.headBytes = 0;
    if (response.status < 200) return rest.length ? this.readHead(rest) : null; // 100 Continue and kin
    this.response = response;
    this.framing = framingOf(response);
    if (this.framing.kind === 'length') response.contentLength = this.framing.remaining;
    if (this.headTimer) clearTimeout(this.headTimer);
    this.socket?.setTimeout(this.request.timeoutMs);
    this.onHead?.(response);
    if (this.framing.kind === 'none') this.complete();
    return rest;
  }

  private readBody(data: Buffer): boolean {
    const framing = this.framing;
    let more = true;
    if (framing.kind === 'length') {
      const take = data.subarray(0, Math.min(data.length, framing.remaining));
      framing.remaining -= take.length;
      if (take.length) more = this.deliver(take);
      if (framing.remaining === 0) this.complete();
    } else if (framing.kind === 'chunked') {
      this.chunked.feed(data, (piece) => (more = this.deliver(piece) && more));
      if (this.chunked.done) this.complete();
    } else if (framing.kind === 'close') {
      if (data.length) more = this.deliver(data);
    }
    if (!more && !this.settled) this.resumeWhenDrained();
    return more || this.settled;
  }

  private resumeWhenDrained(): void {
    this.sink.drained().then(
      () => !this.settled && this.socket?.resume(),
      (error: unknown) => this.fail(error),
    );
  }

  private deliver(piece: Buffer): boolean {
    const response = this.response!;
    response.bytes += piece.length;
    if (response.status >= 300) {
      if (this.errorTextBytes < MAX_ERROR_TEXT_BYTES) {
        const kept = piece.subarray(0, MAX_ERROR_TEXT_BYTES - this.errorTextBytes);
        this.errorText.push(Buffer.from(kept));
        this.errorTextBytes += kept.length;
      }
      return true;
    }
    return this.sink.write(piece);
  }

  private onEnd(): void {
    if (this.settled) return;
    if (this.response && this.framing.kind === 'close') return this.complete();
    const got = this.response?.bytes ?? 0;
    if (!this.response) return this.fail(new RawGetError('interrupted', 'connection closed before the response head'));
    const expected = this.framing.kind === 'length' ? ` of ${got + this.framing.remaining}` : '';
    this.fail(new RawGetError('interrupted', `connection closed after ${got}${expected} body bytes`));
  }

  private complete(): void {
    if (this.settled) return;
    const response = this.response!;
    response.errorText = Buffer.concat(this.errorText).toString('utf8');
    this.finish();
    this.resolve(response);
  }

  private fail(error: unknown): void {
    if (this.settled) return;
    this.finish();
    this.reject(error);
  }

  private finish(): void {
    this.settled = true;
    if (this.headTimer) clearTimeout(this.headTimer);
    this.request.signal?.removeEventListener('abort', this.onAbort);
    this.socket?.destroy();
  }
}

/** A socket error's code and message; these never contain request headers. */
function describeSocketError(error: Error): string {
  const code = (error as NodeJS.ErrnoException).code;
  return typeof code === 'string' && !error.message.includes(code) ? `${error.message} (${code})` : error.message;
}
