// The hook MX request metrics hang on (MxConnectionOptions.observe): every request, JSON or PDF, is
// reported once when it ends, with its status or error type and its duration. Only the operation,
// method and path are passed on, never a query, header or body.
import type { ByteSink } from '../storage/types';
import { MxError, type MxRequestInfo } from './errors';
import type { DownloadCall, MxHttp } from './http';

/** One finished MX request: what it was (never its query or body), how it ended, how long it took. */
export interface MxRequestObservation extends MxRequestInfo {
  /** The HTTP status, when a response came. */
  status: number | undefined;
  /** The MxError type when the call failed (MxRateLimited, MxTimeout, ...), 'Cancelled', or 'Other'. */
  errorType: string | undefined;
  durationMs: number;
}

export type MxRequestObserver = (observation: MxRequestObservation) => void;

/** MxHttp whose download result also holds the response status (200, or 206 for a resumed download). */
export interface WithStatus {
  json: MxHttp['json'];
  download(call: DownloadCall, into: ByteSink): Promise<{ bytes: number; contentLength: number | null; status: number }>;
}

/** The same calls, each reported to `observe` when it ends: the one place MX requests are counted. */
export function observed(http: WithStatus, observe: MxRequestObserver): WithStatus {
  const report = async <R>(call: MxRequestInfo & { signal?: AbortSignal }, run: () => Promise<R & { status: number }>): Promise<R> => {
    const started = performance.now();
    let status: number | undefined;
    let errorType: string | undefined;
    try {
      const result = await run();
      status = result.status;
      return result;
    } catch (error) {
      status = error instanceof MxError ? error.status : undefined;
      errorType = error instanceof MxError ? error.type : call.signal?.aborted ? 'Cancelled' : 'Other';
      throw error;
    } finally {
      try {
        observe({ ...pick(call), status, errorType, durationMs: performance.now() - started });
      } catch {
        // Metrics must never fail an MX call.
      }
    }
  };
  return {
    json: (call) => report(call, () => http.json(call)),
    download: (call, into) => report(call, () => http.download(call, into)),
  };
}

function pick(call: MxRequestInfo): MxRequestInfo {
  return { endpoint: call.endpoint, method: call.method, path: call.path };
}
