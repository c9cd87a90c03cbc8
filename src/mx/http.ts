// The wire: Basic auth, the version headers (Accept, Accept-Version), JSON envelopes, timeouts,
// cancellation, and the translation of every failure into an MxError. Nothing here retries: Temporal
// owns retries.
import ky, { TimeoutError, type KyInstance } from 'ky';
import type { z } from 'zod';
import {
  errorForStatus,
  MxProtocolError,
  MxProxyAuthError,
  MxRetryableError,
  parseRetryAfter,
  RETRYABLE_ERROR_TYPES,
  type ConflictKind,
  type MxRequestInfo,
} from './errors';
import type { ByteSink } from '../storage/types';
import { parseContentRange, rangeFrom, RangeNotHonouredError } from './content-range';
import { rawGet, RawGetError, type RawGetResponse } from './download';
import { createDispatcher, fetchThrough } from './egress';
import { proxyFor, ProxyRefusedError, type ProxySettings } from './proxy';
import { observed, type MxRequestObserver, type WithStatus } from './observe';
import { redact } from './redact';

export type { MxRequestObservation, MxRequestObserver } from './observe';

const USER_AGENT = 'mx-temporal-guides';

export interface MxConnectionOptions {
  baseUrl: string;
  clientId: string;
  apiKey: string;
  /** Time allowed until MX's response headers arrive. */
  timeoutMs: number;
  /** HTTPS_PROXY / HTTP_PROXY / NO_PROXY; none = MX is reached directly. */
  proxy?: ProxySettings;
  /** Told once about every request when it ends (metrics); its own failures never reach the call. */
  observe?: MxRequestObserver;
}

/** The headers that select the API version: one set for JSON calls, one for the statement PDF. */
export interface VersionHeaders {
  json: Readonly<Record<string, string>>;
  pdf: Readonly<Record<string, string>>;
}

export type Query = Record<string, string | number | boolean | undefined>;

export interface JsonCall<T> extends MxRequestInfo {
  query?: Query;
  body?: unknown;
  schema: z.ZodType<T>;
  /** What a 409 means for this call. */
  conflict?: ConflictKind;
  /** 204 No Content is a valid answer (challenges): the result is then null. */
  allowNoContent?: boolean;
  /** Values the request carries that must never come back out in an error (credentials, answers). */
  secrets?: readonly string[];
  signal?: AbortSignal;
  /** Extra request headers of this call (X-CALLBACK-PAYLOAD on member create/update). */
  headers?: Readonly<Record<string, string>>;
}

export interface MxHttp {
  json<T>(call: JsonCall<T>): Promise<{ status: number; data: T | null }>;
  /** A binary GET whose 2xx body is pushed into `into`; resolves once all of it was taken. */
  download(call: DownloadCall, into: ByteSink): Promise<{ bytes: number; contentLength: number | null }>;
}

export interface DownloadCall extends MxRequestInfo {
  signal?: AbortSignal;
  /** Ask only for the bytes from this offset on (a resumed download); 0 or absent: the whole file. */
  from?: number;
  /**
   * Called once the response head is in, with its Content-Length when it has one and the offset its
   * body starts at: `from` when the server honoured the Range, 0 when it sent the whole file.
   */
  onStart?: (contentLength: number | null, offset: number) => void;
}

export function createMxHttp(options: MxConnectionOptions, versionHeaders: VersionHeaders): MxHttp {
  const basic = Buffer.from(`${options.clientId}:${options.apiKey}`).toString('base64');
  const proxy = chooseProxy(options);
  const api = ky.create({
    prefixUrl: options.baseUrl,
    timeout: options.timeoutMs,
    retry: 0,
    throwHttpErrors: false,
    headers: { authorization: `Basic ${basic}`, 'user-agent': USER_AGENT },
    fetch: fetchThrough(createDispatcher(proxy), proxy),
  });
  // A gateway may echo request headers, so the encoded Authorization values are as secret as the keys.
  const alwaysSecret = [options.apiKey, basic, ...(proxy?.secrets ?? [])];

  // download also says the status it got, for observe; callers see MxHttp's result only.
  const http: WithStatus = {
    async json<T>(call: JsonCall<T>) {
      const secrets = [...alwaysSecret, ...(call.secrets ?? [])];
      const response = await send(api, call, versionHeaders.json, options.timeoutMs, secrets);
      const text = await readText(response, call, secrets);
      if (!response.ok) throw httpError(call, response.status, response.headers.get('retry-after'), text, secrets);
      if (response.status === 204 || (call.allowNoContent && text.trim() === '')) {
        if (call.allowNoContent) return { status: response.status, data: null };
        throw new MxProtocolError('empty body', '', call);
      }
      return { status: response.status, data: decode(call, text) };
    },

    async download(call, into) {
      const url = new URL(call.path.replace(/^\//, ''), options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`);
      const from = call.from ?? 0;
      const headers = {
        authorization: `Basic ${basic}`,
        ...versionHeaders.pdf,
        'user-agent': USER_AGENT,
        ...(from > 0 ? { range: rangeFrom(from) } : {}),
      };
      let response;
      try {
        response = await rawGet({ url, headers, timeoutMs: options.timeoutMs, signal: call.signal, proxy }, into, (head) => {
          if (head.status >= 200 && head.status < 300) {
            const offset = bodyOffset(head, from);
            call.onStart?.(head.contentLength, offset);
          } else if (head.status === 416 && from > 0) throw new RangeNotHonouredError(from, '416 Range Not Satisfiable');
        });
      } catch (error) {
        if (call.signal?.aborted) throw call.signal.reason;
        if (!(error instanceof RawGetError)) throw error; // the sink's own failure (storage), as it is
        throw wireError(call, error, alwaysSecret);
      }
      if (response.status < 200 || response.status >= 300) {
        throw httpError(call, response.status, response.headers.get('retry-after') ?? null, response.errorText, alwaysSecret);
      }
      return { bytes: response.bytes, contentLength: response.contentLength, status: response.status };
    },
  };
  const sent = options.observe ? observed(http, options.observe) : http;
  return {
    json: sent.json,
    download: async (call, into) => {
      const { bytes, contentLength } = await sent.download(call, into);
      return { bytes, contentLength };
    },
  };
}

/** The proxy for MX, or none; a bad proxy URL is named without showing it (it may hold a password). */
function chooseProxy(options: MxConnectionOptions) {
  try {
    return proxyFor(new URL(options.baseUrl), options.proxy);
  } catch (error) {
    throw new TypeError(`Invalid MX client options: proxy URL ${(error as Error).message}`);
  }
}

async function send(
  api: KyInstance,
  call: MxRequestInfo & { query?: Query; body?: unknown; signal?: AbortSignal; headers?: Readonly<Record<string, string>> },
  versionHeaders: Readonly<Record<string, string>>,
  timeoutMs: number,
  secrets: readonly string[],
): Promise<Response> {
  const searchParams = Object.fromEntries(
    Object.entries(call.query ?? {}).filter((entry): entry is [string, string | number | boolean] => entry[1] !== undefined),
  );
  try {
    return await api(call.path.replace(/^\//, ''), {
      method: call.method,
      searchParams,
      json: call.body,
      headers: { ...versionHeaders, ...call.headers },
      signal: call.signal,
    });
  } catch (error) {
    throw transportError(call, error, timeoutMs, secrets);
  }
}

/** A failure before any HTTP status: rethrow cancellation as is, everything else is retryable. */
function transportError(
  call: MxRequestInfo & { signal?: AbortSignal },
  error: unknown,
  timeoutMs: number,
  secrets: readonly string[],
): unknown {
  if (call.signal?.aborted) return call.signal.reason;
  if (error instanceof TimeoutError) {
    return new MxRetryableError(RETRYABLE_ERROR_TYPES.timeout, `no response within ${timeoutMs} ms`, call);
  }
  const refusedAuth = proxyAuthRefusal(error);
  if (refusedAuth) return new MxProxyAuthError(redact(refusedAuth, secrets), pick(call));
  return new MxRetryableError(RETRYABLE_ERROR_TYPES.network, `network error: ${describeCause(error, secrets)}`, call);
}

/** The proxy's own words when it refused our credentials (407), wherever in the cause chain. */
function proxyAuthRefusal(error: unknown): string | undefined {
  for (let cause = error; cause instanceof Error; cause = cause.cause) {
    if (cause instanceof ProxyRefusedError && cause.status === 407) return cause.message;
  }
  return undefined;
}

/** "fetch failed" says nothing; the socket error code underneath does. Never the error object itself. */
function describeCause(error: unknown, secrets: readonly string[]): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    parts.push(typeof code === 'string' ? `${current.message} (${code})` : current.message);
    current = current.cause;
  }
  return redact(parts.join(': ') || 'unknown', secrets);
}

async function readText(response: Response, call: JsonCall<unknown> | MxRequestInfo, secrets: readonly string[]) {
  try {
    return await response.text();
  } catch (error) {
    throw transportError(call, error, 0, secrets);
  }
}

function httpError(
  call: JsonCall<unknown> | MxRequestInfo,
  status: number,
  retryAfter: string | null,
  text: string,
  secrets: readonly string[],
) {
  const retryAfterMs = parseRetryAfter(retryAfter);
  const mxMessage = errorMessage(text, secrets);
  const conflict = 'conflict' in call && call.conflict ? call.conflict : 'duplicate';
  return errorForStatus({ ...pick(call), status, mxMessage }, conflict, retryAfterMs);
}

/** Where a 2xx body starts in the file; a 206 must start exactly where it was asked to (throws if not). */
function bodyOffset(head: RawGetResponse, from: number): number {
  if (head.status !== 206) return 0;
  const range = parseContentRange(head.headers.get('content-range'));
  if (from === 0 || !range || range.start !== from || (head.contentLength !== null && head.contentLength !== range.end - range.start + 1)) {
    throw new RangeNotHonouredError(from, `206 with Content-Range ${JSON.stringify(head.headers.get('content-range') ?? null)}`);
  }
  return from;
}

/** A download that failed on the wire. All of it is worth a retry: a garbled answer is a bad hop too. */
function wireError(call: MxRequestInfo, error: RawGetError, secrets: readonly string[]) {
  const message = redact(error.message, secrets);
  if (proxyAuthRefusal(error)) return new MxProxyAuthError(message, pick(call));
  if (error.kind === 'timeout') return new MxRetryableError(RETRYABLE_ERROR_TYPES.timeout, message, pick(call));
  const prefix =
    error.kind === 'interrupted' ? 'download interrupted' : error.kind === 'protocol' ? 'malformed HTTP response' : 'network error';
  return new MxRetryableError(RETRYABLE_ERROR_TYPES.network, `${prefix}: ${message}`, pick(call));
}

/** MX sends `{"error": {"message": "..."}}`; gateways send HTML or nothing. Only MX's message is kept. */
function errorMessage(text: string, secrets: readonly string[]): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  const error = (parsed as { error?: unknown } | null)?.error;
  const message = typeof error === 'string' ? error : (error as { message?: unknown } | undefined)?.message;
  if (typeof message !== 'string' || message === '') return undefined;
  return redact(message.slice(0, 500), secrets);
}

function decode<T>(call: JsonCall<T>, text: string): T {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Cut or garbled between MX and us (a proxy, a dropped connection): asking again can fix that.
    throw new MxRetryableError(RETRYABLE_ERROR_TYPES.malformedBody, 'body is not JSON (cut or garbled on the way)', pick(call));
  }
  const result = call.schema.safeParse(parsed);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.map(String).join('.') ?? '';
  throw new MxProtocolError(issue?.message ?? 'invalid body', field, pick(call));
}

function pick(call: MxRequestInfo): MxRequestInfo {
  return { endpoint: call.endpoint, method: call.method, path: call.path };
}
