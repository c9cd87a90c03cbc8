// The pieces of the metrics alone: route templates, the storage decorator, the MX request observer on a
// real loopback server, the SDK metrics being unreachable, and the METRICS_* settings.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadConfig } from '../../src/config';
import { createGuideMetrics } from '../../src/metrics/guide-metrics';
import { routeTemplate } from '../../src/metrics/mx-route';
import { freePort } from '../../src/temporal/ports';
import { startMetricsServer } from '../../src/metrics/server';
import { storedKind, storedObserver } from '../../src/metrics/storage-observer';
import { createMxHttp, type MxRequestObservation } from '../../src/mx/http';
import { createLocalStorage } from '../../src/storage/local';
import { meteredStorage } from '../../src/storage/metered';
import { parseExposition, total } from './exposition';

describe('routeTemplate', () => {
  it.each([
    ['/users', '/users'],
    ['/users/USR-1a2b', '/users/{user_guid}'],
    ['/users/alice/members/MBR-9/status', '/users/{user_guid}/members/{member_guid}/status'],
    ['/users/U/members/M/challenges', '/users/{user_guid}/members/{member_guid}/challenges'],
    ['/users/U/members/M/statements/STA-1.pdf', '/users/{user_guid}/members/{member_guid}/statements/{statement_guid}.pdf'],
    ['/users/U/members/M/accounts/ACT-1/transactions', '/users/{user_guid}/members/{member_guid}/accounts/{account_guid}/transactions'],
    ['/institutions/mxbank/credentials', '/institutions/{institution_code}/credentials'],
    ['/users/status', '/users/{user_guid}'],
    ['/something/secret-value', '/{id}/{id}'],
  ])('%s -> %s', (path, template) => {
    expect(routeTemplate(path)).toBe(template);
  });
});

describe('meteredStorage', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'mx-metered-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('counts what put and commit publish, by kind, and nothing aborted', async () => {
    const metrics = createGuideMetrics({ processMetrics: false });
    const storage = meteredStorage(createLocalStorage(dir), storedObserver(metrics));
    await storage.put('run/accounts.ndjson', ['{"a":1}\n', '{"a":2}\n']);
    const writer = await storage.create('run/statements/ACT-1/STA-1.pdf');
    writer.write(new Uint8Array(1000));
    expect(writer.bytes).toBe(1000);
    await writer.commit();
    const aborted = await storage.create('run/statements/ACT-1/STA-2.pdf');
    aborted.write(new Uint8Array(500));
    await aborted.abort();
    const { samples } = parseExposition(await metrics.registry.metrics());
    expect(total(samples, 'mx_guides_storage_bytes_stored_total', { kind: 'accounts' })).toBe(16);
    expect(total(samples, 'mx_guides_storage_bytes_stored_total', { kind: 'statement_pdf' })).toBe(1000);
    expect(total(samples, 'mx_guides_storage_objects_stored_total')).toBe(2);
    expect(await storage.exists('run/statements/ACT-1/STA-1.pdf')).toBe(true);
  });

  it('never fails a write because the observer throws', async () => {
    const storage = meteredStorage(createLocalStorage(dir), () => {
      throw new Error('observer broke');
    });
    await expect(storage.put('x/manifest.json', ['{}'])).resolves.toMatchObject({ bytes: 2 });
  });

  it('names kinds from the last segment only', () => {
    expect(storedKind('fetch-account-data/alice/MBR-1/run/.transactions.account-0.page-1.part')).toBe('export_part');
    expect(storedKind('a/b/transactions.ndjson')).toBe('transactions');
    expect(storedKind('a/b/manifest.json')).toBe('manifest');
    expect(storedKind('a/b/notes.txt')).toBe('other');
  });
});

describe('the MX request observer', () => {
  let server: Server;
  let baseUrl: string;
  beforeAll(async () => {
    server = createServer((request, response) => {
      if (request.url?.startsWith('/users/USR-1/members'))
        response.writeHead(429, { 'retry-after': '2' }).end('{"error":{"message":"slow down"}}');
      else if (request.url?.startsWith('/users')) response.writeHead(200, { 'content-type': 'application/json' }).end('{"users":[]}');
      else request.socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('hears every request once, with its status or error type, and the call is unchanged', async () => {
    const seen: MxRequestObservation[] = [];
    const http = createMxHttp(
      { baseUrl, clientId: 'c', apiKey: 'k', timeoutMs: 2_000, observe: (o) => seen.push(o) },
      { json: {}, pdf: {} },
    );
    const schema = z.object({ users: z.array(z.unknown()) });
    await expect(http.json({ endpoint: 'listUsers', method: 'GET', path: '/users', schema })).resolves.toEqual({
      status: 200,
      data: { users: [] },
    });
    await expect(http.json({ endpoint: 'listMembers', method: 'GET', path: '/users/USR-1/members', schema })).rejects.toMatchObject({
      type: 'MxRateLimited',
      status: 429,
    });
    await expect(http.json({ endpoint: 'readInstitution', method: 'GET', path: '/institutions/x', schema })).rejects.toMatchObject({
      type: 'MxNetworkError',
    });
    expect(seen.map(({ endpoint, status, errorType }) => [endpoint, status, errorType])).toEqual([
      ['listUsers', 200, undefined],
      ['listMembers', 429, 'MxRateLimited'],
      ['readInstitution', undefined, 'MxNetworkError'],
    ]);
    expect(seen.every((o) => o.durationMs >= 0 && o.durationMs < 2_000)).toBe(true);
  });

  it('a throwing observer does not change the answer', async () => {
    const http = createMxHttp(
      {
        baseUrl,
        clientId: 'c',
        apiKey: 'k',
        timeoutMs: 2_000,
        observe: () => {
          throw new Error('observer broke');
        },
      },
      { json: {}, pdf: {} },
    );
    await expect(
      http.json({ endpoint: 'listUsers', method: 'GET', path: '/users', schema: z.object({ users: z.array(z.unknown()) }) }),
    ).resolves.toMatchObject({ status: 200 });
  });
});

describe('the metrics endpoint', () => {
  it('says so, with an up=0 gauge, when the SDK metrics cannot be read', async () => {
    const endpoint = await startMetricsServer({
      host: '127.0.0.1',
      port: 0,
      metrics: createGuideMetrics(),
      sdkMetricsUrl: `http://127.0.0.1:${await freePort()}/metrics`,
    });
    try {
      const text = await (await fetch(endpoint.url)).text();
      expect(text).toMatch(/# Temporal SDK metrics unavailable: /);
      expect(total(parseExposition(text).samples, 'mx_guides_sdk_metrics_up')).toBe(0);
      expect(text).toMatch(/^mx_guides_process_start_time_seconds /m);
    } finally {
      await endpoint.close();
    }
  });

  it('names the setting when its port is taken', async () => {
    const first = await startMetricsServer({ host: '127.0.0.1', port: 0, metrics: createGuideMetrics({ processMetrics: false }) });
    try {
      await expect(
        startMetricsServer({ host: '127.0.0.1', port: first.port, metrics: createGuideMetrics({ processMetrics: false }) }),
      ).rejects.toThrow(
        /cannot listen on 127\.0\.0\.1:\d+ \(METRICS_HOST, METRICS_PORT\): the port is already in use; set METRICS_PORT to another one/,
      );
    } finally {
      await first.close();
    }
  });
});

describe('METRICS_* settings', () => {
  it('are off by default and validated with a message naming the variable', () => {
    expect(loadConfig({}).metrics).toEqual({ host: '127.0.0.1', port: undefined });
    expect(loadConfig({ METRICS_PORT: '9464', METRICS_HOST: '0.0.0.0' }).metrics).toEqual({ host: '0.0.0.0', port: 9464 });
    expect(() => loadConfig({ METRICS_PORT: 'nine' })).toThrow(/METRICS_PORT: must be a port number/);
    expect(() => loadConfig({ METRICS_PORT: '70000' })).toThrow(/METRICS_PORT: must be a port number 0-65535/);
    expect(() => loadConfig({ METRICS_HOST: 'http://x/' })).toThrow(/METRICS_HOST: must be a host name or IP address/);
  });
});
