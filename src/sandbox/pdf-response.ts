// Streams a statement PDF straight to the socket: backpressure-aware, with an optional byte range
// (so a cut download can resume) and the PDF faults (cut after N bytes, bytes per second).
import type { ServerResponse } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { MxHttpError } from './errors';
import type { RenderedStatement } from './statement-pdf';
import type { SandboxState } from './state';
import { faultDecisionOf, MX_PDF } from './wire';

export async function sendStatementPdf(
  request: FastifyRequest,
  reply: FastifyReply,
  state: SandboxState,
  pdf: RenderedStatement,
): Promise<void> {
  const range = parseRange(request.headers.range, pdf.size);
  const length = range.end - range.start;
  const cutAfter = state.faults.pdfCutAfter(length, faultDecisionOf(request));
  const bytesPerSecond = state.faults.pdfBytesPerSecond;
  reply.hijack();
  const res = reply.raw;
  res.writeHead(range.partial ? 206 : 200, {
    'content-type': MX_PDF,
    'content-length': String(length),
    'accept-ranges': 'bytes',
    etag: `"${pdf.contentHash}"`,
    ...(range.partial ? { 'content-range': `bytes ${range.start}-${range.end - 1}/${pdf.size}` } : {}),
  });
  if (request.method === 'HEAD') {
    res.end();
    return;
  }
  const chunkBytes = bytesPerSecond ? Math.max(1, Math.floor(bytesPerSecond / 20)) : undefined;
  const startedAt = Date.now();
  let sent = 0;
  for (const chunk of state.pdfs.chunks(pdf.tail, range.start, chunkBytes)) {
    if (res.destroyed) return;
    const piece = chunk.subarray(0, Math.min(chunk.length, length - sent));
    if (cutAfter !== undefined && sent + piece.length >= cutAfter) {
      await cut(res, piece.subarray(0, cutAfter - sent));
      return;
    }
    if (!res.write(piece)) await drainOrClose(res);
    sent += piece.length;
    if (sent >= length) break;
    if (bytesPerSecond) await sleep(startedAt + (sent / bytesPerSecond) * 1000 - Date.now());
  }
  res.end();
}

/** Sends the last bytes, waits until they reach the socket, then drops the connection mid-body. */
async function cut(res: ServerResponse, last: Buffer): Promise<void> {
  await new Promise<void>((resolve) => res.write(last, () => resolve()));
  res.destroy();
}

/** Resolves when the socket wants more, or is gone; removes its listeners either way (this runs per chunk). */
function drainOrClose(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

const sleep = (ms: number) => (ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve());

/** `Range: bytes=a-b` or `bytes=a-`; no header means the whole file. End is exclusive. */
function parseRange(header: string | undefined, size: number): { start: number; end: number; partial: boolean } {
  if (!header) return { start: 0, end: size, partial: false };
  const match = /^bytes=(\d+)-(\d*)$/.exec(header.trim());
  const start = match ? Number(match[1]) : NaN;
  const end = match?.[2] ? Number(match[2]) + 1 : size;
  if (!match || start >= size || end <= start) {
    throw new MxHttpError(416, `Range ${header} cannot be satisfied: the statement has ${size} bytes`, {
      'content-range': `bytes */${size}`,
    });
  }
  return { start, end: Math.min(end, size), partial: true };
}
