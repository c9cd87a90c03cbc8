// How the JSON calls leave the machine: undici's own fetch with a dispatcher that holds the TLS floor and,
// when MX is behind a forward proxy, tunnels through it. undici's fetch, not Node's global one: Node 20
// and 22 bundle undici 6 like the npm package, but a dispatcher handed to the global fetch of another
// undici major (Node 24 and later) is reported to fail every request ("invalid onRequestStart method").
// Certificates are checked against Node's default store, which includes NODE_EXTRA_CA_CERTS.
import { Agent, ProxyAgent, fetch as undiciFetch, type Dispatcher } from 'undici';
import { type Proxy, ProxyRefusedError } from './proxy';

/** MX serves TLS 1.2 or later; nothing below is ever negotiated, whatever Node's defaults say. */
export const MIN_TLS_VERSION = 'TLSv1.2';

export function createDispatcher(proxy: Proxy | undefined): Dispatcher {
  const tls = { minVersion: MIN_TLS_VERSION } as const;
  if (!proxy) return new Agent({ connect: tls });
  return new ProxyAgent({ uri: proxy.origin, token: proxy.authorization, requestTls: tls, proxyTls: tls });
}

/**
 * A fetch for ky: ky always hands over a global Request, which undici's fetch does not accept as one,
 * so its parts are passed on. Bodies are small JSON, read whole so they go with a Content-Length.
 */
export function fetchThrough(dispatcher: Dispatcher, proxy: Proxy | undefined): typeof globalThis.fetch {
  return async (input) => {
    const request = input as Request;
    const body = request.body ? await request.arrayBuffer() : undefined;
    try {
      const response = await undiciFetch(request.url, {
        method: request.method,
        headers: [...request.headers],
        body,
        signal: request.signal,
        redirect: request.redirect,
        dispatcher,
      });
      return response as unknown as Response;
    } catch (error) {
      throw (proxy && tunnelRefusal(error, proxy, new URL(request.url))) || error;
    }
  };
}

/** undici says "Proxy response (407) !== 200 when HTTP Tunneling" deep in the cause chain; say it plainly. */
function tunnelRefusal(error: unknown, proxy: Proxy, target: URL): Error | undefined {
  for (let cause = error; cause instanceof Error; cause = cause.cause) {
    const status = /^Proxy response \((\d{3})\)/.exec(cause.message)?.[1];
    if (status)
      return new ProxyRefusedError(
        Number(status),
        `proxy ${proxy.origin} answered ${status} to CONNECT ${target.hostname}:${target.port || (target.protocol === 'https:' ? 443 : 80)}`,
      );
  }
  return undefined;
}
