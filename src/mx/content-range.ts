// Resuming a cut statement download: `Range: bytes=<from>-` asks for the rest of the PDF, and a 206
// counts only if its Content-Range starts exactly there. Anything else means starting over.

/** `bytes=<from>-`: everything from that offset on. */
export function rangeFrom(from: number): string {
  if (!Number.isSafeInteger(from) || from <= 0) throw new RangeError(`a resumed download starts after byte 0, got ${from}`);
  return `bytes=${from}-`;
}

export interface ContentRange {
  start: number;
  /** Inclusive, as on the wire. */
  end: number;
  /** The whole file's size, when the server says. */
  size: number | null;
}

/** `bytes <start>-<end>/<size or *>` (RFC 9110 §14.4); null when it is anything else. */
export function parseContentRange(header: string | undefined): ContentRange | null {
  const match = header ? /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(header.trim()) : null;
  if (!match) return null;
  const [start, end] = [Number(match[1]), Number(match[2])];
  const size = match[3] === '*' ? null : Number(match[3]);
  if (end < start || (size !== null && end >= size)) return null;
  return { start, end, size };
}

/**
 * The server answered a Range request with a range it was not asked for (or could not satisfy it):
 * the body cannot be appended to what is on disk, so the download starts over from byte 0.
 */
export class RangeNotHonouredError extends Error {
  override name = 'RangeNotHonouredError';
  constructor(from: number, answer: string) {
    super(`asked for the bytes from ${from} on, the server answered ${answer}`);
  }
}
