// The statement PDF reader's failures, apart so the CONNECT tunnel (tunnel.ts) can raise them too.
export type RawGetFailureKind = 'timeout' | 'network' | 'interrupted' | 'protocol';

/** Anything that went wrong on the wire. Messages carry no header or body content. */
export class RawGetError extends Error {
  override name = 'RawGetError';
  constructor(
    readonly kind: RawGetFailureKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
