// MX accepts calls only from whitelisted addresses, so deployments reach it through a fixed-address
// forward proxy. The client talks to one base URL, so the proxy is chosen once per client, the way curl
// reads HTTPS_PROXY / HTTP_PROXY / NO_PROXY, and the JSON calls and the PDF download go the same way.
export interface ProxySettings {
  /** For https:// targets. */
  httpsProxy?: string;
  /** For http:// targets (loopback only, see src/config.ts). */
  httpProxy?: string;
  /** Comma- or space-separated hosts, domains (`.example.com`), IP addresses, each with an optional `:port`; `*` = all. */
  noProxy?: string;
}

export interface Proxy {
  /** Scheme, host and port only: safe to show in errors. */
  origin: string;
  host: string;
  port: number;
  /** `Basic …` from the proxy URL's userinfo, sent as Proxy-Authorization. As secret as the password. */
  authorization?: string;
  /** The password and its encoded forms, for redaction. */
  secrets: string[];
}

/** The proxy for `target`, or undefined when it is reached directly. */
export function proxyFor(target: URL, settings: ProxySettings | undefined): Proxy | undefined {
  const raw = target.protocol === 'https:' ? settings?.httpsProxy : settings?.httpProxy;
  if (!raw || bypassesProxy(target, settings?.noProxy)) return undefined;
  return parseProxyUrl(raw);
}

/**
 * Parses a proxy URL; a bare `host:port` means http://. Throws a TypeError that never contains the
 * value (it may hold a password).
 */
export function parseProxyUrl(raw: string): Proxy {
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`);
  } catch {
    throw new TypeError('is not a URL (expected http://[user:password@]host:port)');
  }
  if (url.protocol !== 'http:')
    throw new TypeError(`must be an http:// proxy URL, not ${url.protocol}// (the tunnel to MX is TLS end to end)`);
  const port = Number(url.port || 80);
  const user = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  const proxy: Proxy = { origin: `http://${url.host}`, host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port, secrets: [] };
  if (user || password) {
    const encoded = Buffer.from(`${user}:${password}`).toString('base64');
    proxy.authorization = `Basic ${encoded}`;
    proxy.secrets = [password, url.password, encoded].filter((s) => s.length > 0);
  }
  return proxy;
}

/** NO_PROXY as curl reads it: exact hosts, domain suffixes, IP literals, optional ports, `*`. */
export function bypassesProxy(target: URL, noProxy: string | undefined): boolean {
  const host = target.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  const port = target.port || (target.protocol === 'https:' ? '443' : '80');
  return (noProxy ?? '')
    .split(/[\s,]+/)
    .filter((entry) => entry !== '')
    .some((entry) => {
      if (entry === '*') return true;
      const rule = noProxyRule(entry.toLowerCase());
      if (rule.port && rule.port !== port) return false;
      return host === rule.name || host.endsWith(`.${rule.name}`);
    });
}

/** `host`, `.domain`, `*.domain`, `host:port`, `::1`, `[::1]:port`. */
function noProxyRule(entry: string): { name: string; port?: string } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  const withPort = /^([^:]+):(\d+)$/.exec(entry);
  const [name, port] = bracketed ? [bracketed[1]!, bracketed[2]] : withPort ? [withPort[1]!, withPort[2]] : [entry, undefined];
  return { name: name.replace(/^\*?\./, ''), port };
}

/** A proxy that answered CONNECT with something other than 2xx; `status` tells a 407 from the rest. */
export class ProxyRefusedError extends Error {
  override name = 'ProxyRefusedError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}
