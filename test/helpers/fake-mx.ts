// A scriptable HTTP server on loopback for unit-testing the MX client and activities: each test
// declares the answers it needs and reads back the requests the client really sent.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: unknown;
}

export interface FakeAnswer {
  status?: number;
  /** Objects are sent as JSON, strings as they are. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Destroy the socket instead of answering. */
  cut?: boolean;
  delayMs?: number;
}

export type Handler = (request: RecordedRequest, res: ServerResponse) => FakeAnswer | Promise<FakeAnswer> | 'handled';

export interface FakeMx {
  url: string;
  requests: RecordedRequest[];
  /** Later routes win, so a test can override a default. `path` may contain `*` for one segment. */
  on(method: string, path: string, handler: Handler | FakeAnswer): void;
  close(): Promise<void>;
}

export async function startFakeMx(): Promise<FakeMx> {
  const routes: { method: string; pattern: RegExp; handler: Handler }[] = [];
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    void serve(req, res).catch((error: unknown) => {
      res.statusCode = 500;
      res.end(String(error));
    });
  });

  async function serve(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://fake');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body: text ? JSON.parse(text) : undefined,
    };
    requests.push(recorded);
    const route = [...routes].reverse().find((r) => r.method === recorded.method && r.pattern.test(recorded.path));
    const answer = route ? await route.handler(recorded, res) : { status: 404, body: { error: { message: 'No route' } } };
    if (answer === 'handled') return;
    if (answer.delayMs) await new Promise((r) => setTimeout(r, answer.delayMs));
    if (answer.cut) {
      req.socket.destroy();
      return;
    }
    const body = answer.body === undefined ? '' : typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
    const type = typeof answer.body === 'string' ? 'text/html' : 'application/vnd.mx.api.v1+json';
    res.writeHead(answer.status ?? 200, { 'content-type': type, ...answer.headers });
    res.end(body);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    on(method, path, handler) {
      const escaped = path.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]+');
      routes.push({ method, pattern: new RegExp(`^${escaped}$`), handler: typeof handler === 'function' ? handler : () => handler });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** MX's list envelope for one page of `items`, paged like MX does. */
export function page<T>(key: string, all: T[], query: URLSearchParams): Record<string, unknown> {
  const perPage = Number(query.get('records_per_page') ?? 25);
  const current = Number(query.get('page') ?? 1);
  const totalPages = Math.max(1, Math.ceil(all.length / perPage));
  return {
    [key]: all.slice((current - 1) * perPage, current * perPage),
    pagination: { current_page: current, per_page: perPage, total_entries: all.length, total_pages: totalPages },
  };
}
