// loadConfig's refusals that protect secrets: an MX_BASE_URL that would send the API key in clear text,
// and proxy URLs (which may hold a password) that are not usable, never echoed back.
import { describe, expect, it } from 'vitest';
import { ConfigError, describeConfig, loadConfig } from '../src/config';

const API_KEY = 'live-api-key-0123456789';
const withMx = (env: Record<string, string>) => ({ MX_CLIENT_ID: 'client', MX_API_KEY: API_KEY, ...env });
const problemOf = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  return expect.fail('the configuration was accepted');
};

describe('MX_BASE_URL', () => {
  it.each([
    'https://int-api.mx.com',
    'https://api.mx.com/',
    'http://127.0.0.1:8090',
    'http://127.8.9.10',
    'http://localhost:8090',
    'http://[::1]:8090',
  ])('accepts %s', (url) => expect(loadConfig(withMx({ MX_BASE_URL: url })).mx.baseUrl).toBe(url));

  it.each(['http://int-api.mx.com', 'http://10.0.0.5:8090', 'http://sandbox:8090', 'http://127.0.0.1.example.com', 'http://[::2]'])(
    'refuses %s: the API key would travel in clear text',
    (url) => {
      const message = problemOf(withMx({ MX_BASE_URL: url }));
      expect(message).toContain(
        'MX_BASE_URL: must be https:// (MX serves only HTTPS; http:// would send the API key in clear text), except on loopback',
      );
      expect(message).not.toContain(API_KEY);
      expect(message).not.toContain(url);
    },
  );

  it('leaves the sandbox default alone: with no MX_BASE_URL the worker talks to http://SANDBOX_HOST', () => {
    expect(loadConfig({ SANDBOX_HOST: 'sandbox' }).mx.baseUrl).toBeUndefined();
  });
});

describe('proxy variables', () => {
  const password = 'proxy-pass-9876';

  it('reads HTTPS_PROXY, HTTP_PROXY and NO_PROXY for MX, the lowercase spelling first, as curl does', () => {
    const config = loadConfig(
      withMx({
        MX_BASE_URL: 'https://int-api.mx.com',
        HTTPS_PROXY: 'http://upper:3128',
        https_proxy: 'http://lower:3128',
        HTTP_PROXY: 'proxy:8080',
        NO_PROXY: '.internal',
      }),
    );
    expect(config.mx.proxy).toEqual({ httpsProxy: 'http://lower:3128', httpProxy: 'proxy:8080', noProxy: '.internal' });
  });

  it('never proxies the local sandbox', () => {
    expect(loadConfig({ HTTPS_PROXY: 'http://proxy:3128', HTTP_PROXY: 'http://proxy:3128' }).mx.proxy).toBeUndefined();
  });

  it.each([
    ['https://proxy:3128', 'must be an http:// proxy URL, not https://'],
    ['socks5://proxy:1080', 'must be an http:// proxy URL, not socks5://'],
    ['http://[bad', 'is not a URL'],
  ])('refuses %s without echoing it', (value, reason) => {
    const withPassword = value.replace('//', `//user:${password}@`);
    const message = problemOf(withMx({ MX_BASE_URL: 'https://int-api.mx.com', HTTPS_PROXY: withPassword }));
    expect(message).toContain(`HTTPS_PROXY: ${reason}`);
    expect(message).not.toContain(password);
  });

  it('describes the configuration without the proxy password', () => {
    const config = loadConfig(withMx({ MX_BASE_URL: 'https://int-api.mx.com', HTTPS_PROXY: `http://user:${password}@proxy:3128` }));
    const described = JSON.stringify(describeConfig(config));
    expect(described).toContain('"httpsProxy":"http://proxy:3128 (with credentials)"');
    expect(described).not.toContain(password);
    expect(described).not.toContain(API_KEY);
  });
});
