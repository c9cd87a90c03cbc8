// A third-party judge of the client's requests: Stoplight Prism (`prism mock --errors`) on MX's own
// OpenAPI document rejects any request that breaks it (path, query, headers, auth, body), so the client
// and the sandbox cannot agree on something MX would refuse. Every endpoint the client has is called;
// Prism's answers are generated examples, so only the requests are judged, never the responses.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import type net from 'node:net';
import { join } from 'node:path';
import { createMxClient, type MxClient, type MxClientOptions } from '../../src/mx/client';
import { freePort } from '../../src/temporal/ports';

interface Version {
  /** The vendored document under src/mx/openapi/. */
  document: string;
  /** What selects this version in the client. */
  clientOptions: Partial<MxClientOptions>;
}

/** One entry per MX API version the client supports. */
const VERSIONS: Record<string, Version> = {
  v20111101: { document: 'v20111101.yml', clientOptions: {} },
  v20250224: { document: 'v20250224.yml', clientOptions: { apiVersion: 'v20250224' } },
};

const U = 'USR-prism';
const M = 'MBR-prism';
const credentials = [
  { guid: 'CRD-1', value: 'mxuser' },
  { guid: 'CRD-2', value: 'password' },
];
const window = { fromDate: '2026-01-01', toDate: '2026-03-31' };

async function first<T>(items: AsyncIterable<T>): Promise<T | undefined> {
  for await (const item of items) return item;
  return undefined;
}

/** Every call of the client, with arguments like the guides pass. */
const CALLS: Record<string, (mx: MxClient) => Promise<unknown>> = {
  createUser: (mx) => mx.createUser({ id: 'partner-user-1', email: 'user@example.com', metadata: '{"k":"v"}' }),
  listUsers: (mx) => first(mx.listUsers({ id: 'partner-user-1' })),
  readUser: (mx) => mx.readUser(U),
  listInstitutions: (mx) => first(mx.listInstitutions({ name: 'mxbank', supportsAccountStatement: true })),
  readInstitution: (mx) => mx.readInstitution('mxbank'),
  listInstitutionCredentials: (mx) => first(mx.listInstitutionCredentials('mxbank')),
  createMember: (mx) =>
    mx.createMember(U, {
      institution_code: 'mxbank',
      credentials,
      id: 'member-1',
      metadata: 'm',
      skip_aggregation: true,
      background_aggregation_is_disabled: false,
    }),
  readMember: (mx) => mx.readMember(U, M),
  updateMember: (mx) => mx.updateMember(U, M, { credentials, skip_aggregation: true }),
  listMembers: (mx) => first(mx.listMembers(U)),
  readMemberStatus: (mx) => mx.readMemberStatus(U, M),
  aggregateMember: (mx) => mx.aggregateMember(U, M),
  listMemberChallenges: (mx) => mx.listMemberChallenges(U, M),
  resumeAggregation: (mx) => mx.resumeAggregation(U, M, [{ guid: 'CRD-27d0edb8-1d50-5b90-bcbc-be270ca42b9f', value: 'correct' }]),
  fetchStatements: (mx) => mx.fetchStatements(U, M),
  listMemberAccounts: (mx) => first(mx.listMemberAccounts(U, M)),
  listTransactionsByAccount: (mx) => first(mx.listTransactionsByAccount(U, 'ACT-prism', window)),
  listTransactionsByMember: (mx) => first(mx.listTransactionsByMember(U, M, window)),
  listStatements: (mx) => first(mx.listStatements(U, M)),
  readStatement: (mx) => mx.readStatement(U, M, 'STA-prism'),
  downloadStatementPdf: (mx) => mx.downloadStatementPdf(U, M, 'STA-prism', { into: { write: () => true, drained: async () => undefined } }),
};

interface Exchange {
  request: string;
  status: number;
  violations?: string;
  problem?: string;
}

/** Relays to Prism and keeps what it answered each request: its verdict is in sl-violations or a problem+json body. */
async function recordingRelay(prismPort: number): Promise<{ url: string; take(): Exchange[]; close(): Promise<void> }> {
  let exchanges: Exchange[] = [];
  const relay = http.createServer((req, res) => {
    const upstream = http.request(
      { host: '127.0.0.1', port: prismPort, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => {
          const body = Buffer.concat(chunks);
          const problem = String(answer.headers['content-type']).startsWith('application/problem+json') ? body.toString('utf8') : undefined;
          const violations = answer.headers['sl-violations'] as string | undefined;
          exchanges.push({ request: `${req.method} ${req.url}`, status: answer.statusCode!, violations, problem });
          res.writeHead(answer.statusCode!, answer.headers).end(body);
        });
      },
    );
    upstream.on('error', (error) => res.writeHead(502).end(error.message));
    req.pipe(upstream);
  });
  await new Promise<void>((r) => relay.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(relay.address() as net.AddressInfo).port}`,
    take: () => [exchanges, (exchanges = [])][0]!,
    close: () => new Promise((r) => relay.close(() => r())),
  };
}

/** `prism mock --errors` on one document; resolves once it listens. */
async function startPrism(document: string): Promise<{ port: number; stop(): void }> {
  const port = await freePort();
  const bin = join(import.meta.dirname, '../../node_modules/.bin/prism');
  const prism: ChildProcess = spawn(
    bin,
    ['mock', '--errors', '-h', '127.0.0.1', '-p', String(port), join(import.meta.dirname, '../../src/mx/openapi', document)],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let log = '';
  await new Promise<void>((resolve, reject) => {
    const onOutput = (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes('Prism is listening')) resolve();
    };
    prism.stdout!.on('data', onOutput);
    prism.stderr!.on('data', onOutput);
    prism.on('exit', (code) => reject(new Error(`prism exited (${code}) before listening:\n${log.slice(-2000)}`)));
  });
  prism.stdout!.resume();
  prism.stderr!.resume();
  return { port, stop: () => prism.kill() };
}

interface Violation {
  location?: string[];
  message: string;
}

/**
 * What Prism objected to in the request, or undefined when it accepted it. With --errors Prism also
 * checks its own generated answer against MX's schema (MX's member example breaks it: a string
 * most_recent_job_guid where the schema says boolean); violations located in the response are not the client's.
 */
function objection(exchange: Exchange): string | undefined {
  if (!exchange.violations && !exchange.problem) return undefined;
  const problem = (exchange.problem ? JSON.parse(exchange.problem) : {}) as { title?: string; detail?: string; validation?: Violation[] };
  const violations = (exchange.violations ? JSON.parse(exchange.violations) : (problem.validation ?? [])) as Violation[];
  const aboutRequest = violations.filter((violation) => violation.location?.[0] !== 'response');
  if (violations.length > 0 && aboutRequest.length === 0) return undefined;
  const reasons = aboutRequest.map((violation) => `${violation.location?.join('.')}: ${violation.message}`);
  return `${exchange.request} -> ${exchange.status} ${problem.title ?? ''}: ${reasons.join('; ') || problem.detail}`;
}

describe.each(Object.entries(VERSIONS))('MX %s: Prism accepts every request the client sends', (_, version) => {
  let prism: Awaited<ReturnType<typeof startPrism>>;
  let relay: Awaited<ReturnType<typeof recordingRelay>>;
  let mx: MxClient;

  beforeAll(async () => {
    prism = await startPrism(version.document);
    relay = await recordingRelay(prism.port);
    mx = createMxClient({
      baseUrl: relay.url,
      clientId: 'prism-client',
      apiKey: 'prism-api-key',
      timeoutMs: 10_000,
      ...version.clientOptions,
    });
  });
  afterAll(async () => {
    await relay?.close();
    prism?.stop();
  });

  it.each(Object.entries(CALLS))('%s', async (_name, call) => {
    // The answer is Prism's example, which may not suit the client: only the requests are judged here.
    await call(mx).catch(() => undefined);
    const exchanges = relay.take();
    expect(exchanges.length).toBeGreaterThan(0);
    expect(exchanges.map(objection).filter(Boolean)).toEqual([]);
  });
});
