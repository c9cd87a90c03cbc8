// HTTP/1.1 response framing for rawGet (download.ts): the status line and headers, how the body is
// delimited (Content-Length, chunked, end of connection, none), and the chunked transfer decoder.
import { RawGetError } from './download-errors';
import type { RawGetResponse } from './download-types';

/** How the response body ends. */
export type Framing = { kind: 'length'; remaining: number } | { kind: 'chunked' } | { kind: 'close' } | { kind: 'none' };

export function parseHead(text: string): RawGetResponse {
  const [statusLine = '', ...lines] = text.split('\r\n');
  const match = /^HTTP\/1\.[01] (\d{3})(?: |$)/.exec(statusLine);
  if (!match) throw new RawGetError('protocol', 'response does not start with an HTTP/1.x status line');
  const headers = new Map<string, string>();
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new RawGetError('protocol', 'malformed response header line');
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers.set(name, headers.has(name) ? `${headers.get(name)}, ${value}` : value);
  }
  return { status: Number(match[1]), headers, bytes: 0, contentLength: null, errorText: '' };
}

export function framingOf(response: RawGetResponse): Framing {
  if (response.status === 204 || response.status === 304) return { kind: 'none' };
  const coding = response.headers.get('transfer-encoding');
  if (coding) return /(?:^|,)\s*chunked\s*$/i.test(coding) ? { kind: 'chunked' } : { kind: 'close' };
  const length = response.headers.get('content-length');
  if (length === undefined) return { kind: 'close' };
  const values = new Set(length.split(',').map((v) => v.trim()));
  const [only] = values;
  if (values.size !== 1 || !only || !/^\d+$/.test(only)) throw new RawGetError('protocol', 'invalid Content-Length header');
  const remaining = Number(only);
  return remaining === 0 ? { kind: 'none' } : { kind: 'length', remaining };
}

/** Chunked transfer coding (RFC 9112 §7.1): sizes in hex, optional extensions, trailers ignored. */
export class ChunkedDecoder {
  done = false;
  private state: 'size' | 'data' | 'data-end' | 'trailer' = 'size';
  private line = '';
  private remaining = 0;

  feed(data: Buffer, emit: (piece: Buffer) => void): void {
    let i = 0;
    while (i < data.length && !this.done) {
      if (this.state === 'data') {
        const take = Math.min(this.remaining, data.length - i);
        emit(data.subarray(i, i + take));
        i += take;
        this.remaining -= take;
        if (this.remaining === 0) this.state = 'data-end';
        continue;
      }
      const newline = data.indexOf(0x0a, i);
      const end = newline < 0 ? data.length : newline;
      this.line += data.toString('latin1', i, end);
      if (this.line.length > 4096) throw new RawGetError('protocol', 'chunked encoding line too long');
      i = end;
      if (newline < 0) break;
      i++;
      const line = this.line.replace(/\r$/, '');
      this.line = '';
      this.onLine(line);
    }
  }

  private onLine(line: string): void {
    if (this.state === 'data-end') {
      if (line !== '') throw new RawGetError('protocol', 'chunk not followed by CRLF');
      this.state = 'size';
    } else if (this.state === 'size') {
      const size = /^([0-9a-fA-F]{1,12})\s*(?:;.*)?$/.exec(line);
      if (!size) throw new RawGetError('protocol', 'invalid chunk size');
      this.remaining = parseInt(size[1]!, 16);
      this.state = this.remaining === 0 ? 'trailer' : 'data';
    } else if (line === '') {
      this.done = true;
    }
  }
}
