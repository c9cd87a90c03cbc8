// The request and response of rawGet (download.ts), the statement PDF's raw HTTP/1.1 GET.
import type tls from 'node:tls';
import type { Proxy } from './proxy';

export interface RawGetRequest {
  url: URL;
  headers: Record<string, string>;
  /** Allowed until the response head arrives, and then between two reads of the body. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** Extra TLS settings for https (a private CA, say); never below TLS 1.2. */
  tls?: tls.ConnectionOptions;
  /** A forward proxy: CONNECT tunnel for https, absolute-form requests for http. */
  proxy?: Proxy;
}

export interface RawGetResponse {
  status: number;
  /** Lowercased names; repeated headers joined with ", ". */
  headers: Map<string, string>;
  /** Body bytes pushed into the sink (2xx), or read into `errorText` (otherwise). */
  bytes: number;
  contentLength: number | null;
  /** The start of a non-2xx body, for the error message. */
  errorText: string;
}
