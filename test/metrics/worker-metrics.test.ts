// The worker's /metrics endpoint against what really happened: both guides (one answering MFA, one
// hitting a 429) and a run that ends in a named outcome, on the real dev server, with the real sandbox
// behind a relay that records every request it passes on. Then deploy/'s alert rules and dashboard
// are checked against the metric names the live endpoint exports.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DefaultLogger, Runtime, type LogEntry, type Worker } from '@temporalio/worker';
import { createActivities, systemClock } from '../../activities';
import { SANDBOX_API_KEY, SANDBOX_CLIENT_ID } from '../../src/config';
import { createGuideMetrics } from '../../src/metrics/guide-metrics';
import { mxRequestObserver } from '../../src/metrics/mx-observer';
import { sdkMetricsExporter } from '../../src/metrics/sdk-telemetry';
import { startMetricsServer, type MetricsServer } from '../../src/metrics/server';
import { storedObserver } from '../../src/metrics/storage-observer';
import { createMxClient } from '../../src/mx/client';
import { startSandbox, type Sandbox } from '../../src/sandbox/server';
import { createLocalStorage } from '../../src/storage/local';
import { meteredStorage } from '../../src/storage/metered';
import { buildWorkflowBundle } from '../../src/worker/bundle';
import { createWorker } from '../../src/worker/create-worker';
import type { GuideInput } from '../../workflows/input';
import type { RunManifest } from '../../workflows/manifest';
import { answerMfaUpdate, type WorkflowTypeName } from '../../workflows/messages';
import { connectToTestServer, uniqueName, type TemporalTestContext } from '../helpers/temporal';
import { awaitingMfa, failureOf, FAST, JOB_DURATION_MS, waitForProgress } from '../workflows/guide-env';
import { startCountingProxy, type CountingProxy } from './counting-proxy';
import { exportedNames, parseExposition, total, type Sample } from './exposition';
import { alertRules, dashboardQueries, labelNamesIn, metricNamesIn } from './deploy-files';

let temporal: TemporalTestContext;
let sandbox: Sandbox;
let relay: CountingProxy;
let worker: Worker;
let running: Promise<void>;
let endpoint: MetricsServer;
let storageDir: string;
let taskQueue: string;
let bundleCode: string;
const logged: LogEntry[] = [];

beforeAll(async () => {
  // The Runtime is per process (vitest runs each file in its own): install it before any connection.
  const sdk = await sdkMetricsExporter();
  Runtime.install({ telemetryOptions: sdk.telemetryOptions, logger: new DefaultLogger('WARN', (entry) => logged.push(entry)) });
  const metrics = createGuideMetrics();
  const [connected, bundle] = await Promise.all([connectToTestServer(), buildWorkflowBundle()]);
  temporal = connected;
  bundleCode = bundle.code;
  sandbox = await startSandbox({ port: 0, jobDurationMs: JOB_DURATION_MS, challengeExpiryMs: 60_000 });
  relay = await startCountingProxy(sandbox.url);
  storageDir = mkdtempSync(join(tmpdir(), 'mx-metrics-'));
  taskQueue = uniqueName('metrics');
  const mx = createMxClient({
    baseUrl: relay.url,
    clientId: SANDBOX_CLIENT_ID,
    apiKey: SANDBOX_API_KEY,
    timeoutMs: 5_000,
    observe: mxRequestObserver(metrics),
  });
  const storage = meteredStorage(createLocalStorage(storageDir), storedObserver(metrics));
  worker = await createWorker({
    connection: temporal.nativeConnection,
    namespace: 'default',
    taskQueue,
    activities: createActivities({ mx, storage, clock: systemClock }),
    workflowBundle: { code: bundle.code },
    shutdownGraceTime: 1_000,
    metrics,
  });
  running = worker.run();
  endpoint = await startMetricsServer({ host: '127.0.0.1', port: 0, metrics, sdkMetricsUrl: sdk.url });
});

afterAll(async () => {
  worker?.shutdown();
  await running;
  await endpoint?.close();
  await relay?.close();
  await sandbox?.close();
  await temporal?.close();
  if (storageDir) rmSync(storageDir, { recursive: true, force: true });
});

async function start(type: WorkflowTypeName, userId: string, password: string) {
  const input: GuideInput = { userId, institutionCode: 'mxbank', credentials: { username: 'mxuser', password }, ...FAST };
  return await temporal.client.workflow.start(type, { taskQueue, workflowId: uniqueName(`${type}-${userId}`), args: [input] });
}

async function scrape(): Promise<{ text: string; samples: Sample[]; names: Set<string> }> {
  const response = await fetch(endpoint.url);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
  const text = await response.text();
  const parsed = parseExposition(text);
  return { text, samples: parsed.samples, names: exportedNames(parsed) };
}

/** The route template of a path the relay saw, from the sandbox's guid prefixes (not the code under test). */
function sandboxRoute(path: string): string {
  const names: Record<string, string> = { USR: 'user_guid', MBR: 'member_guid', ACT: 'account_guid', STA: 'statement_guid' };
  return path
    .replace(/\/(USR|MBR|ACT|STA)-[0-9a-f-]+/g, (_, prefix: string) => `/{${names[prefix]}}`)
    .replace(/^\/institutions\/mxbank(?=\/|$)/, '/institutions/{institution_code}');
}

describe('worker metrics', { timeout: 120_000 }, () => {
  let answered: RunManifest;
  let statements: RunManifest;
  let scraped: Awaited<ReturnType<typeof scrape>>;
  const users = { mfa: uniqueName('mfa'), statements: uniqueName('stm'), denied: uniqueName('denied') };

  beforeAll(async () => {
    // One 429 on the statements list: the activity is retried after Retry-After.
    sandbox.setFaults({ rateLimit: { next: 1, match: '/statements', retryAfterSeconds: 1 } });
    const [mfaRun, statementsRun, deniedRun] = await Promise.all([
      start('fetchAccountData', users.mfa, 'challenge'),
      start('fetchStatements', users.statements, 'password'),
      start('fetchAccountData', users.denied, 'DENIED'),
    ]);
    const waiting = await waitForProgress(mfaRun, awaitingMfa);
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // the end user takes a moment to answer
    await mfaRun.executeUpdate(answerMfaUpdate, { args: [{ answers: [{ guid: waiting.mfa.challenges[0]!.guid, value: 'correct' }] }] });
    [answered, statements] = (await Promise.all([mfaRun.result(), statementsRun.result()])) as [RunManifest, RunManifest];
    expect((await failureOf(deniedRun)).type).toBe('NEEDS_NEW_CREDENTIALS');
    scraped = await scrape();
  }, 120_000);

  it('counts MX requests per route template and method exactly as the sandbox saw them', () => {
    const saw = new Map<string, number>();
    for (const request of relay.seen) {
      const [method, path] = request.split(' ') as [string, string];
      const key = `${method} ${sandboxRoute(path)}`;
      saw.set(key, (saw.get(key) ?? 0) + 1);
    }
    const counted = new Map<string, number>();
    for (const s of scraped.samples.filter((s) => s.name === 'mx_guides_mx_requests_total')) {
      const key = `${s.labels.method} ${s.labels.route}`;
      counted.set(key, (counted.get(key) ?? 0) + s.value);
    }
    expect(relay.seen.length).toBeGreaterThan(20);
    expect(Object.fromEntries(counted)).toEqual(Object.fromEntries(saw));
    const durations = total(scraped.samples, 'mx_guides_mx_request_duration_seconds_count');
    expect(durations).toBe(relay.seen.length);
    expect(saw.get('GET /users/{user_guid}/members/{member_guid}/statements/{statement_guid}.pdf')).toBe(statements.statements!.count);
  });

  it('counts the 429 and the retry it caused', () => {
    const route = '/users/{user_guid}/members/{member_guid}/statements';
    expect(total(scraped.samples, 'mx_guides_mx_rate_limited_total', { operation: 'listStatementsByMember', route })).toBe(1);
    expect(total(scraped.samples, 'mx_guides_mx_requests_total', { status: '429', outcome: 'MxRateLimited' })).toBe(1);
    expect(total(scraped.samples, 'mx_guides_activity_retries_total', { activity: 'listStatements' })).toBe(1);
    expect(total(scraped.samples, 'mx_guides_activity_failures_total', { activity: 'listStatements', type: 'MxRateLimited' })).toBe(1);
  });

  it('counts runs by guide and outcome, and the MFA round with the time it waited', () => {
    expect(total(scraped.samples, 'mx_guides_runs_started_total', { guide: 'fetchAccountData' })).toBe(2);
    expect(total(scraped.samples, 'mx_guides_runs_started_total', { guide: 'fetchStatements' })).toBe(1);
    expect(total(scraped.samples, 'mx_guides_runs_ended_total', { guide: 'fetchAccountData', outcome: 'COMPLETED' })).toBe(1);
    expect(total(scraped.samples, 'mx_guides_runs_ended_total', { guide: 'fetchAccountData', outcome: 'NEEDS_NEW_CREDENTIALS' })).toBe(1);
    expect(total(scraped.samples, 'mx_guides_runs_ended_total', { guide: 'fetchStatements', outcome: 'COMPLETED' })).toBe(1);
    expect(total(scraped.samples, 'mx_guides_runs_ended_total')).toBe(3);
    expect(answered.attempts.mfaRounds).toBe(1);
    expect(total(scraped.samples, 'mx_guides_mfa_rounds_total')).toBe(answered.attempts.mfaRounds + statements.attempts.mfaRounds);
    expect(total(scraped.samples, 'mx_guides_mfa_answer_wait_seconds_count', { guide: 'fetchAccountData' })).toBe(1);
    const waited = total(scraped.samples, 'mx_guides_mfa_answer_wait_seconds_sum', { guide: 'fetchAccountData' });
    expect(waited).toBeGreaterThanOrEqual(0.9);
    expect(waited).toBeLessThan(30);
  });

  it('counts bytes and files stored as the manifests and the files on disk say, and the exported records', () => {
    const size = (key: string) => statSync(join(storageDir, key)).size;
    const stored = (kind: string) => [
      total(scraped.samples, 'mx_guides_storage_bytes_stored_total', { kind }),
      total(scraped.samples, 'mx_guides_storage_objects_stored_total', { kind }),
    ];
    const pdfs = statements.statements!;
    expect(pdfs.files.every((f) => !f.skipped)).toBe(true);
    expect(stored('statement_pdf')).toEqual([pdfs.totalBytes, pdfs.count]);
    expect(total(scraped.samples, 'mx_guides_statements_total', { result: 'downloaded' })).toBe(pdfs.count);
    const accounts = answered.accounts!;
    expect(stored('accounts')).toEqual([size(accounts.accountsKey), 1]);
    expect(stored('transactions')).toEqual([size(accounts.transactionsKey), 1]);
    expect(stored('manifest')).toEqual([size(answered.manifestKey) + size(statements.manifestKey), 2]);
    expect(total(scraped.samples, 'mx_guides_exported_records_total', { kind: 'accounts' })).toBe(accounts.count);
    expect(total(scraped.samples, 'mx_guides_exported_records_total', { kind: 'transactions' })).toBe(accounts.transactionCount);
    expect(JSON.parse(readFileSync(join(storageDir, answered.manifestKey), 'utf8'))).toEqual(answered);
  });

  it('never puts an id, a guid or a secret in a label value', () => {
    const forbidden = [
      ...Object.values(users),
      answered.user.guid,
      answered.member.guid,
      statements.member.guid,
      'mxuser',
      SANDBOX_API_KEY,
      'mxbank',
    ];
    const values = scraped.samples.flatMap((sample) => Object.values(sample.labels).map((value) => ({ name: sample.name, value })));
    expect(values.length).toBeGreaterThan(100);
    for (const { name, value } of values) {
      expect(value, name).not.toMatch(/\b(USR|MBR|ACT|STA|TRN|CRD)-[0-9a-f]/);
      for (const word of forbidden) expect(value.includes(word), `${name} label ${value}`).toBe(false);
      // The passwords and the MFA answer of these runs.
      expect(['challenge', 'password', 'DENIED', 'correct'], `${name} label`).not.toContain(value);
    }
  });

  it("serves the Temporal SDK's own metrics on the same endpoint", () => {
    expect(total(scraped.samples, 'mx_guides_sdk_metrics_up')).toBe(1);
    for (const name of [
      'temporal_worker_task_slots_available',
      'temporal_sticky_cache_size',
      'temporal_workflow_task_schedule_to_start_latency_seconds_bucket',
    ]) {
      expect(scraped.names, name).toContain(name);
    }
  });

  it('runs the same bundle on a worker without metrics, with no error about its sinks', async () => {
    const plainQueue = uniqueName('no-metrics');
    const mx = createMxClient({ baseUrl: sandbox.url, clientId: SANDBOX_CLIENT_ID, apiKey: SANDBOX_API_KEY, timeoutMs: 5_000 });
    const plain = await createWorker({
      connection: temporal.nativeConnection,
      namespace: 'default',
      taskQueue: plainQueue,
      activities: createActivities({ mx, storage: createLocalStorage(storageDir), clock: systemClock }),
      workflowBundle: { code: bundleCode },
      shutdownGraceTime: 1_000,
    });
    const before = await scrape();
    await plain.runUntil(async () => {
      const input: GuideInput = {
        userId: uniqueName('plain'),
        institutionCode: 'mxbank',
        credentials: { username: 'mxuser', password: 'password' },
        ...FAST,
      };
      const handle = await temporal.client.workflow.start('fetchAccountData', {
        taskQueue: plainQueue,
        workflowId: uniqueName('plain'),
        args: [input],
      });
      await handle.result();
    });
    expect(logged.filter((entry) => /sink/i.test(entry.message))).toEqual([]);
    // Nothing of that run reached the metrics of the worker that has them.
    expect(total((await scrape()).samples, 'mx_guides_runs_ended_total')).toBe(total(before.samples, 'mx_guides_runs_ended_total'));
  });

  it('refuses other paths and methods with a clear answer', async () => {
    const other = await fetch(endpoint.url.replace('/metrics', '/'));
    expect(other.status).toBe(404);
    expect(await other.text()).toMatch(/\/metrics/);
    const post = await fetch(endpoint.url, { method: 'POST' });
    expect(post.status).toBe(405);
  });

  it('has alert rules and a dashboard whose every query parses as PromQL and uses metrics and labels the worker exports', () => {
    const rules = alertRules();
    expect(rules.length).toBeGreaterThanOrEqual(8);
    const queries = [...rules.map((r) => ({ where: `alert ${r.alert}`, expr: r.expr })), ...dashboardQueries()];
    expect(queries.length).toBeGreaterThan(rules.length + 8);
    for (const { where, expr } of queries) {
      const names = metricNamesIn(expr);
      expect(names.length, `${where}: ${expr}`).toBeGreaterThan(0);
      for (const name of names) expect(scraped.names.has(name), `${where} uses ${name}, which the worker does not export`).toBe(true);
      const labelled = scraped.samples.filter((s) => names.includes(s.name));
      for (const label of labelNamesIn(expr)) {
        expect(
          labelled.some((s) => label in s.labels),
          `${where} uses label ${label}, which ${names.join(', ')} does not carry`,
        ).toBe(true);
      }
    }
    // Temporal's recommended worker alerts (docs.temporal.io/best-practices/worker-alerting).
    const used = new Set(rules.flatMap((r) => metricNamesIn(r.expr)));
    for (const name of [
      'temporal_workflow_task_schedule_to_start_latency_seconds_bucket',
      'temporal_worker_task_slots_available',
      'temporal_sticky_cache_size',
    ]) {
      expect(used, name).toContain(name);
    }
  });
});
