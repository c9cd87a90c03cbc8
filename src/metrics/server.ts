// The worker's one scrape target: GET /metrics answers the product's metrics (src/metrics/guide-metrics.ts)
// followed by the Temporal SDK's own, read from the SDK's exporter on a loopback port. Names do not
// clash (mx_guides_ and temporal_ prefixes), so the two texts concatenate into one valid exposition.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GuideMetrics } from './guide-metrics';

export interface MetricsServerOptions {
  host: string;
  port: number;
  metrics: GuideMetrics;
  /** The SDK exporter's /metrics URL (Runtime telemetry); none: only the product's metrics. */
  sdkMetricsUrl?: string;
}

export interface MetricsServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

const SDK_READ_TIMEOUT_MS = 2_000;

export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const { registry } = options.metrics;
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (path !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found: metrics are at /metrics\n');
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('Method not allowed: use GET /metrics\n');
      return;
    }
    void Promise.all([registry.metrics(), readSdkMetrics(options.sdkMetricsUrl)]).then(
      ([own, sdk]) =>
        response.writeHead(200, { 'content-type': registry.contentType }).end(request.method === 'HEAD' ? undefined : `${own}\n${sdk}`),
      (error: unknown) =>
        response.writeHead(500, { 'content-type': 'text/plain' }).end(`Collecting metrics failed: ${(error as Error).message}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const why =
        error.code === 'EADDRINUSE' ? 'the port is already in use; set METRICS_PORT to another one' : (error.code ?? error.message);
      reject(new Error(`The metrics endpoint cannot listen on ${options.host}:${options.port} (METRICS_HOST, METRICS_PORT): ${why}`));
    });
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}/metrics`,
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The SDK's exposition text; if it cannot be read, a comment and an up=0 gauge say so instead. */
async function readSdkMetrics(url: string | undefined): Promise<string> {
  if (!url) return '';
  const down = (why: string) =>
    `# Temporal SDK metrics unavailable: ${why}\n# HELP mx_guides_sdk_metrics_up 1 when the Temporal SDK's metrics could be read.\n# TYPE mx_guides_sdk_metrics_up gauge\nmx_guides_sdk_metrics_up 0\n`;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(SDK_READ_TIMEOUT_MS) });
    if (!response.ok) return down(`HTTP ${response.status}`);
    const text = await response.text();
    return `${text}${text.endsWith('\n') ? '' : '\n'}# HELP mx_guides_sdk_metrics_up 1 when the Temporal SDK's metrics could be read.\n# TYPE mx_guides_sdk_metrics_up gauge\nmx_guides_sdk_metrics_up 1\n`;
  } catch (error) {
    return down((error as Error).name === 'TimeoutError' ? `no answer within ${SDK_READ_TIMEOUT_MS} ms` : (error as Error).message);
  }
}
