// The product's own Prometheus metrics, in one registry: what the guides did (MX requests, runs, MFA,
// storage, exports). Every label value comes from a bounded set (operation names, route templates,
// status codes, outcome and error type names, guide names): never an id, a guid, a key or a secret.
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

export const METRIC_PREFIX = 'mx_guides_';

export interface GuideMetrics {
  registry: Registry;
  mxRequests: Counter<'operation' | 'route' | 'method' | 'status' | 'outcome'>;
  mxRequestDuration: Histogram<'operation' | 'route' | 'method'>;
  mxRateLimited: Counter<'operation' | 'route'>;
  activityRetries: Counter<'activity'>;
  activityFailures: Counter<'activity' | 'type'>;
  runsStarted: Counter<'guide'>;
  runsEnded: Counter<'guide' | 'outcome'>;
  mfaRounds: Counter<'guide'>;
  mfaAnswerWait: Histogram<'guide'>;
  bytesStored: Counter<'kind'>;
  objectsStored: Counter<'kind'>;
  exportedRecords: Counter<'kind'>;
  statements: Counter<'result'>;
}

/** A fresh registry with every metric registered (tests make one each; the worker makes one). */
export function createGuideMetrics(options: { processMetrics?: boolean } = {}): GuideMetrics {
  const registry = new Registry();
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });
  const registers = [registry];
  const name = (suffix: string) => `${METRIC_PREFIX}${suffix}`;
  return {
    registry,
    mxRequests: new Counter({
      name: name('mx_requests_total'),
      help: 'MX Platform API requests by operation, route template, method, HTTP status ("none" without a response) and outcome ("ok" or the error type).',
      labelNames: ['operation', 'route', 'method', 'status', 'outcome'],
      registers,
    }),
    mxRequestDuration: new Histogram({
      name: name('mx_request_duration_seconds'),
      help: 'Time from sending an MX request to its end (the whole body read, or the whole PDF stored).',
      labelNames: ['operation', 'route', 'method'],
      buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    }),
    mxRateLimited: new Counter({
      name: name('mx_rate_limited_total'),
      help: 'MX answers 429 Too Many Requests, by operation and route template.',
      labelNames: ['operation', 'route'],
      registers,
    }),
    activityRetries: new Counter({
      name: name('activity_retries_total'),
      help: 'Activity attempts after the first (Temporal retries: MX faults, timeouts, worker crashes), by activity.',
      labelNames: ['activity'],
      registers,
    }),
    activityFailures: new Counter({
      name: name('activity_failures_total'),
      help: 'Activity attempts that failed, by activity and error type (a retryable one is retried by Temporal).',
      labelNames: ['activity', 'type'],
      registers,
    }),
    runsStarted: new Counter({
      name: name('runs_started_total'),
      help: 'Guide runs started (a continue-as-new is the same run and is not counted again), by guide.',
      labelNames: ['guide'],
      registers,
    }),
    runsEnded: new Counter({
      name: name('runs_ended_total'),
      help: 'Guide runs ended, by guide and outcome: COMPLETED, CANCELLED, or the named failure (README, "End states").',
      labelNames: ['guide', 'outcome'],
      registers,
    }),
    mfaRounds: new Counter({
      name: name('mfa_rounds_total'),
      help: 'MFA rounds opened (challenges published to the support tool), by guide.',
      labelNames: ['guide'],
      registers,
    }),
    mfaAnswerWait: new Histogram({
      name: name('mfa_answer_wait_seconds'),
      help: 'Time from an MFA round opening to its answers going to MX, by guide (rounds never answered are not observed).',
      labelNames: ['guide'],
      buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800],
      registers,
    }),
    bytesStored: new Counter({
      name: name('storage_bytes_stored_total'),
      help: 'Bytes of objects published to storage, by kind (statement_pdf, accounts, transactions, manifest, export_part, other).',
      labelNames: ['kind'],
      registers,
    }),
    objectsStored: new Counter({
      name: name('storage_objects_stored_total'),
      help: 'Objects published to storage, by kind.',
      labelNames: ['kind'],
      registers,
    }),
    exportedRecords: new Counter({
      name: name('exported_records_total'),
      help: 'Records written by completed exports, by kind (accounts, transactions).',
      labelNames: ['kind'],
      registers,
    }),
    statements: new Counter({
      name: name('statements_total'),
      help: 'Statement PDFs handled, by result: downloaded, or skipped (already stored with the same hash).',
      labelNames: ['result'],
      registers,
    }),
  };
}

/** A label value from code (an error or failure type), kept bounded and printable whatever it holds. */
export function typeLabel(value: unknown): string {
  return typeof value === 'string' && /^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(value) ? value : 'Other';
}
