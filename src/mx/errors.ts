// Every way an MX call can fail, as one small family of errors. Each carries the request (method, path
// without query string), the HTTP status when there was one, a stable type name workflows branch on,
// and whether a retry can help. None ever holds a request body, a header or a credential value.
import { FAILURE_TYPES as F, failureOf } from '../failures/catalogue';
import { ACTIVITY_ERROR_TYPES } from './error-types';

export interface MxRequestInfo {
  /** The operation, in MX's words (e.g. "createMember"). */
  endpoint: string;
  method: string;
  /** Path with guids, never the query string. */
  path: string;
}

export interface MxErrorDetails extends MxRequestInfo {
  status?: number;
  /** MX's own message from the error body, when it sent one. */
  mxMessage?: string;
}

/** Retryable failures the workflows never branch on; their names only help a person reading history. */
export const RETRYABLE_ERROR_TYPES = {
  rateLimited: F.rateLimited,
  server: F.server,
  network: F.network,
  timeout: F.timeout,
  /** A 2xx whose body is not JSON at all: cut or garbled on the way, so asking again can fix it. */
  malformedBody: F.malformedBody,
} as const;

export abstract class MxError extends Error {
  abstract readonly type: string;
  readonly endpoint: string;
  readonly method: string;
  readonly path: string;
  readonly status: number | undefined;
  readonly mxMessage: string | undefined;

  constructor(summary: string, details: MxErrorDetails) {
    const where = `${details.method} ${details.path}`;
    const status = details.status === undefined ? '' : ` ${details.status}`;
    const said = details.mxMessage ? `: ${details.mxMessage}` : '';
    super(`MX ${details.endpoint}${status} (${where}) ${summary}${said}`);
    this.endpoint = details.endpoint;
    this.method = details.method;
    this.path = details.path;
    this.status = details.status;
    this.mxMessage = details.mxMessage;
  }

  /** Whether another attempt can help: the failure catalogue's verdict for this type, declared once there. */
  get retryable(): boolean {
    return failureOf(this.type)?.retryable ?? false;
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      type: this.type,
      message: this.message,
      endpoint: this.endpoint,
      method: this.method,
      path: this.path,
      status: this.status,
      retryable: this.retryable,
    };
  }
}

const CLIENT_ERRORS: Record<number, { type: string; summary: string }> = {
  400: { type: ACTIVITY_ERROR_TYPES.badRequest, summary: 'bad request' },
  401: { type: ACTIVITY_ERROR_TYPES.unauthorized, summary: 'unauthorized: check MX_CLIENT_ID and MX_API_KEY' },
  403: { type: ACTIVITY_ERROR_TYPES.forbidden, summary: 'forbidden: feature not enabled or address not allowed' },
  404: { type: ACTIVITY_ERROR_TYPES.notFound, summary: 'not found' },
  405: { type: ACTIVITY_ERROR_TYPES.methodNotAllowed, summary: 'method not allowed in the current state' },
  406: { type: ACTIVITY_ERROR_TYPES.notAcceptable, summary: 'not acceptable: API version header rejected' },
  422: { type: ACTIVITY_ERROR_TYPES.unprocessable, summary: 'unprocessable entity' },
};

/** A 4xx that a retry cannot fix. */
export class MxClientError extends MxError {
  override name = 'MxClientError';
  readonly type: string;

  constructor(details: MxErrorDetails & { status: number }) {
    const known = CLIENT_ERRORS[details.status];
    super(known?.summary ?? 'client error', details);
    this.type = known?.type ?? ACTIVITY_ERROR_TYPES.badRequest;
  }
}

/** What a 409 means depends on the call: a duplicate object, or another job running on the member. */
export type ConflictKind = 'duplicate' | 'job';

export class MxConflictError extends MxError {
  override name = 'MxConflictError';
  readonly type: string;
  readonly kind: ConflictKind;

  constructor(kind: ConflictKind, details: MxErrorDetails) {
    super(kind === 'job' ? 'conflict: another job is running on this member' : 'conflict: it already exists', details);
    this.kind = kind;
    this.type = kind === 'job' ? ACTIVITY_ERROR_TYPES.jobConflict : ACTIVITY_ERROR_TYPES.duplicate;
  }
}

/** 429, 5xx, network failures and timeouts: worth another attempt, after `nextRetryDelayMs` when MX said so. */
export class MxRetryableError extends MxError {
  override name = 'MxRetryableError';
  readonly type: string;
  readonly nextRetryDelayMs: number | undefined;

  constructor(type: string, summary: string, details: MxErrorDetails, nextRetryDelayMs?: number) {
    super(summary, details);
    this.type = type;
    this.nextRetryDelayMs = nextRetryDelayMs;
  }
}

/**
 * MX answered with JSON, but not in the shape its API document promises. Not retried: a body that parses
 * as a whole arrived whole, so asking again brings the same answer, and a retry would only hide the
 * mismatch (a changed contract, or a bug here) behind a run that never ends.
 */
export class MxProtocolError extends MxError {
  override name = 'MxProtocolError';
  readonly type = ACTIVITY_ERROR_TYPES.protocol;
  /** Dotted path of the first field that did not match, e.g. "member.guid". */
  readonly field: string;

  constructor(problem: string, field: string, details: MxErrorDetails) {
    super(`unexpected response: ${problem}${field ? ` at ${field}` : ''}`, details);
    this.field = field;
  }
}

/** The forward proxy answered CONNECT with 407: its credentials in HTTPS_PROXY are wrong or missing. */
export class MxProxyAuthError extends MxError {
  override name = 'MxProxyAuthError';
  readonly type = ACTIVITY_ERROR_TYPES.proxyAuthRequired;

  constructor(refusal: string, details: MxErrorDetails) {
    super(`the proxy refused our credentials (${refusal}): check the user and password in HTTPS_PROXY`, details);
  }
}

/** Turns an HTTP status into the right error. */
export function errorForStatus(
  details: MxErrorDetails & { status: number },
  conflict: ConflictKind,
  retryAfterMs: number | undefined,
): MxError {
  const { status } = details;
  if (status === 409) return new MxConflictError(conflict, details);
  if (status === 429) {
    return new MxRetryableError(RETRYABLE_ERROR_TYPES.rateLimited, 'rate limited', details, retryAfterMs);
  }
  if (status >= 500) return new MxRetryableError(RETRYABLE_ERROR_TYPES.server, 'server error', details, retryAfterMs);
  return new MxClientError(details);
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date. */
export function parseRetryAfter(header: string | null, now: number = Date.now()): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
