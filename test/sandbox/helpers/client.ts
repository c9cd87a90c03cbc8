/* eslint-disable @typescript-eslint/no-explicit-any -- wire JSON: the assertions and the OpenAPI validator check its shape */
// A plain HTTP client for the sandbox tests (real fetch over loopback), recording every exchange so a
// test can validate all of them against the OpenAPI document afterwards. It speaks one API version.
import { SANDBOX_API_KEY, SANDBOX_CLIENT_ID } from '../../../src/config';
import type { MxApiVersion } from '../../../src/mx/versions';

export const MX_JSON = 'application/vnd.mx.api.v1+json';
export const MX_PDF = 'application/vnd.mx.api.v1+pdf';
export const USERNAME_GUID = 'CRD-9f61fb4c-912c-bd1e-b175-ccc7f0275cc1';
export const PASSWORD_GUID = 'CRD-e3d7ea81-aac7-05e9-fbdd-4b493c6e474d';

/** JSON Accept header per version (the PDF is MX_PDF in both). */
export const JSON_ACCEPT: Record<MxApiVersion, string> = { v20111101: MX_JSON, v20250224: 'application/json' };

export interface Exchange {
  method: string;
  path: string;
  status: number;
  contentType: string | null;
  headers: Headers;
  /** Parsed JSON, or undefined for an empty or binary body. */
  json: any;
  bytes: Buffer;
  /** What was sent: for checking requests against the document. */
  requestHeaders?: Headers;
  query?: URLSearchParams;
  requestBody?: unknown;
}

export interface CallOptions {
  body?: unknown;
  /** Raw body text (e.g. malformed JSON). */
  rawBody?: string;
  accept?: string | null;
  /** Overrides the client's Accept-Version; null sends none. */
  acceptVersion?: string | null;
  auth?: string | null;
  headers?: Record<string, string>;
}

export function basicAuth(clientId = SANDBOX_CLIENT_ID, apiKey = SANDBOX_API_KEY): string {
  return `Basic ${Buffer.from(`${clientId}:${apiKey}`).toString('base64')}`;
}

export class SandboxClient {
  readonly exchanges: Exchange[] = [];

  constructor(
    readonly baseUrl: string,
    private readonly auth = basicAuth(),
    readonly version: MxApiVersion = 'v20111101',
  ) {}

  async call(method: string, path: string, options: CallOptions = {}): Promise<Exchange> {
    const headers: Record<string, string> = { ...options.headers };
    const accept =
      options.accept === undefined ? (path.split('?')[0]!.endsWith('.pdf') ? MX_PDF : JSON_ACCEPT[this.version]) : options.accept;
    if (accept !== null) headers.accept = accept;
    const acceptVersion = options.acceptVersion === undefined ? this.version : options.acceptVersion;
    if (acceptVersion !== null) headers['accept-version'] = acceptVersion;
    const auth = options.auth === undefined ? this.auth : options.auth;
    if (auth !== null) headers.authorization = auth;
    let body: string | undefined;
    if (options.rawBody !== undefined || options.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = options.rawBody ?? JSON.stringify(options.body);
    }
    const response = await fetch(this.baseUrl + path, { method, headers, body });
    const bytes = Buffer.from(await response.arrayBuffer());
    const contentType = response.headers.get('content-type');
    const json = bytes.length > 0 && contentType?.includes('json') ? JSON.parse(bytes.toString('utf8')) : undefined;
    const url = new URL(this.baseUrl + path);
    const exchange: Exchange = {
      method,
      path: url.pathname,
      status: response.status,
      contentType,
      headers: response.headers,
      json,
      bytes,
      requestHeaders: new Headers(headers),
      query: url.searchParams,
      requestBody: options.body,
    };
    this.exchanges.push(exchange);
    return exchange;
  }

  get = (path: string, options?: CallOptions) => this.call('GET', path, options);
  post = (path: string, body?: unknown) => this.call('POST', path, body === undefined ? {} : { body });
  put = (path: string, body: unknown) => this.call('PUT', path, { body });
  delete = (path: string) => this.call('DELETE', path);

  async createUser(id: string): Promise<string> {
    const { status, json } = await this.post('/users', { user: { id, email: `${id}@example.com`, metadata: 'sandbox test' } });
    if (status !== 200) throw new Error(`create user answered ${status}`);
    return json.user.guid as string;
  }

  async createMember(userGuid: string, password: string, extra: Record<string, unknown> = {}, username = 'mxuser'): Promise<Exchange> {
    return this.post(`/users/${userGuid}/members`, {
      member: {
        institution_code: 'mxbank',
        credentials: [
          { guid: USERNAME_GUID, value: username },
          { guid: PASSWORD_GUID, value: password },
        ],
        ...extra,
      },
    });
  }

  /** Polls the member status until is_being_aggregated is false or the status is CHALLENGED. */
  async settle(userGuid: string, memberGuid: string, timeoutMs = 10_000): Promise<any> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { json } = await this.get(`/users/${userGuid}/members/${memberGuid}/status`);
      const member = json.member;
      if (!member.is_being_aggregated || member.connection_status === 'CHALLENGED') return member;
      if (Date.now() > deadline) throw new Error(`member still ${member.connection_status} after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}
