// The one place that reads the environment. Everything else receives a typed Config.
import { configSchema, type ConfigEnv } from './config-schema';
import { parseProxyUrl, type ProxySettings } from './mx/proxy';
import type { MxApiVersion } from './mx/versions';
import type { SandboxOptions } from './sandbox/server';
import { parseS3Url } from './storage/s3-location';
import type { S3Settings } from './storage/s3';

/** Every variable loadConfig reads (Temporal's own TEMPORAL_ADDRESS etc. are read by @temporalio/envconfig). */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(configSchema.shape);

/** Sandbox credentials used when MX_BASE_URL is not set. Not secret: the sandbox runs on loopback. */
export const SANDBOX_CLIENT_ID = 'sandbox-client';
export const SANDBOX_API_KEY = 'sandbox-api-key';

export interface Config {
  mx: {
    /** Undefined means: run against the local sandbox. */
    baseUrl: string | undefined;
    clientId: string;
    apiKey: string;
    timeoutMs: number;
    /** The forward proxy to MX; none for the local sandbox, which is always reached directly. */
    proxy: ProxySettings | undefined;
    /** The Platform API version the worker talks (Accept-Version); one per worker. */
    apiVersion: MxApiVersion;
  };
  taskQueue: string;
  storageDir: string;
  /** The backend: absent or local = the folder storageDir; s3 = STORAGE_URL's bucket (src/storage/create.ts). */
  storage?: { kind: 'local' } | ({ kind: 's3' } & S3Settings);
  dataDir: string;
  temporal: { port: number; uiPort: number };
  /** Sandbox-only knobs (npm run sandbox), typed as the sandbox takes them; undefined = the sandbox's defaults. */
  sandbox: { host: string; port: number } & Pick<
    SandboxOptions,
    'seed' | 'jobDurationMs' | 'challengeExpiryMs' | 'transactionsPerAccount' | 'statementBytes' | 'webhookUrl' | 'webhookAuth'
  >;
  supportWeb: { host: string; port: number; token: string | undefined };
  /** previousKeys: retired keys that still decrypt old histories after a rotation. */
  codec: {
    port: number;
    /** Where `npm run codec` listens; `npm start` keeps its codec server on loopback. */
    host?: string;
    /** Browser origins (Web UIs) that `npm run codec` lets call it. */
    corsOrigins?: string[];
    key: string | undefined;
    previousKeys?: string[];
    /** X25519 keys that seal credentials and MFA answers: the private ones only workers need. */
    sealKey?: string;
    sealPreviousKeys?: string[];
    sealPublicKey?: string;
  };
  workerShutdownGraceMs: number;
  /** A prebuilt workflow bundle the worker loads; unset: the worker bundles the sources at start. */
  workflowBundlePath: string | undefined;
  /** The worker's capacity and memory settings (src/worker/create-worker.ts); a field left undefined keeps the SDK's default. */
  workerTuning: WorkerTuning;
  logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  /** The worker's Prometheus endpoint; port undefined = no endpoint (and no SDK metrics exporter). */
  metrics: { host: string; port: number | undefined };
  /** The MX webhook receiver, and whether the worker counts on MX webhooks (polls only as the fallback). */
  webhooks: {
    host: string;
    port: number;
    credentials: { username: string; password: string } | undefined;
    on: boolean;
    fallbackPollMs: number;
  };
  /** Where runs announce MFA needed, new credentials needed, completion and failure; signed with `secret`. */
  events: { url: string | undefined; secret: string | undefined };
  /** Defaults of new refresh schedules (src/schedules): Temporal durations such as "6h". */
  refresh: { interval: string; jitter: string; catchupWindow: string };
}

/** WORKER_* variables: what the worker may hold and run at once. */
export interface WorkerTuning {
  maxCachedWorkflows?: number;
  maxConcurrentWorkflowTaskExecutions?: number;
  maxConcurrentActivityTaskExecutions?: number;
  maxConcurrentLocalActivityExecutions?: number;
  /** Most concurrent polls for workflow tasks / activity tasks. */
  workflowTaskPollers?: number;
  activityTaskPollers?: number;
  reuseV8Context?: boolean;
  /** V8 old-space limit of the workflow thread, in MB: its garbage is collected before it grows past this. */
  workflowHeapMb?: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads the environment; throws one ConfigError naming every missing or invalid variable (never its value). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = configSchema.safeParse(cleaned);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${problems.join('\n')}`);
  }
  const e = parsed.data;
  return {
    mx: {
      baseUrl: e.MX_BASE_URL,
      clientId: e.MX_CLIENT_ID ?? SANDBOX_CLIENT_ID,
      apiKey: e.MX_API_KEY ?? SANDBOX_API_KEY,
      timeoutMs: e.MX_TIMEOUT_MS,
      proxy: e.MX_BASE_URL
        ? { httpsProxy: e.https_proxy ?? e.HTTPS_PROXY, httpProxy: e.http_proxy ?? e.HTTP_PROXY, noProxy: e.no_proxy ?? e.NO_PROXY }
        : undefined,
      apiVersion: e.MX_API_VERSION,
    },
    taskQueue: e.TEMPORAL_TASK_QUEUE,
    storageDir: e.STORAGE_DIR,
    storage: e.STORAGE_URL ? { kind: 's3', ...s3Settings(e) } : { kind: 'local' },
    dataDir: e.DATA_DIR,
    temporal: { port: e.TEMPORAL_PORT, uiPort: e.TEMPORAL_UI_PORT },
    sandbox: {
      host: e.SANDBOX_HOST,
      port: e.SANDBOX_PORT,
      seed: e.SANDBOX_SEED,
      jobDurationMs: e.SANDBOX_JOB_DURATION_MS,
      challengeExpiryMs: e.SANDBOX_CHALLENGE_EXPIRY_MS,
      transactionsPerAccount: e.SANDBOX_TRANSACTIONS_PER_ACCOUNT,
      statementBytes: e.SANDBOX_STATEMENT_BYTES,
      webhookUrl: e.SANDBOX_WEBHOOK_URL,
      // The sandbox authenticates its webhooks as MX would, with the receiver's Basic credentials.
      webhookAuth: e.WEBHOOKS_PASSWORD ? { username: e.WEBHOOKS_USERNAME ?? 'mx', password: e.WEBHOOKS_PASSWORD } : undefined,
    },
    supportWeb: { host: e.SUPPORT_WEB_HOST, port: e.SUPPORT_WEB_PORT, token: e.SUPPORT_WEB_TOKEN },
    codec: {
      port: e.CODEC_PORT,
      host: e.CODEC_HOST,
      corsOrigins: e.CODEC_CORS_ORIGINS?.split(','),
      key: e.PAYLOAD_CODEC_KEY,
      previousKeys: e.PAYLOAD_CODEC_PREVIOUS_KEYS?.split(',') ?? [],
      sealKey: e.PAYLOAD_SEAL_KEY,
      sealPreviousKeys: e.PAYLOAD_SEAL_PREVIOUS_KEYS?.split(',') ?? [],
      sealPublicKey: e.PAYLOAD_SEAL_PUBLIC_KEY,
    },
    workerShutdownGraceMs: e.WORKER_SHUTDOWN_GRACE_MS,
    workflowBundlePath: e.WORKFLOW_BUNDLE_PATH,
    workerTuning: {
      maxCachedWorkflows: e.WORKER_MAX_CACHED_WORKFLOWS,
      maxConcurrentWorkflowTaskExecutions: e.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS,
      maxConcurrentActivityTaskExecutions: e.WORKER_MAX_CONCURRENT_ACTIVITIES,
      maxConcurrentLocalActivityExecutions: e.WORKER_MAX_CONCURRENT_LOCAL_ACTIVITIES,
      workflowTaskPollers: e.WORKER_WORKFLOW_TASK_POLLERS,
      activityTaskPollers: e.WORKER_ACTIVITY_TASK_POLLERS,
      reuseV8Context: e.WORKER_REUSE_V8_CONTEXT === undefined ? undefined : e.WORKER_REUSE_V8_CONTEXT === 'true',
      workflowHeapMb: e.WORKER_WORKFLOW_HEAP_MB,
    },
    logLevel: e.LOG_LEVEL,
    metrics: { host: e.METRICS_HOST, port: e.METRICS_PORT },
    webhooks: {
      host: e.WEBHOOKS_HOST,
      port: e.WEBHOOKS_PORT,
      credentials: e.WEBHOOKS_PASSWORD ? { username: e.WEBHOOKS_USERNAME ?? 'mx', password: e.WEBHOOKS_PASSWORD } : undefined,
      on: e.MX_WEBHOOKS === 'on',
      fallbackPollMs: e.WEBHOOKS_FALLBACK_POLL_MS,
    },
    events: { url: e.EVENTS_URL, secret: e.EVENTS_SECRET },
    refresh: { interval: e.REFRESH_INTERVAL, jitter: e.REFRESH_JITTER, catchupWindow: e.REFRESH_CATCHUP_WINDOW },
  };
}

/** STORAGE_URL's bucket and prefix with the SDK's endpoint and region settings (credentials stay with the SDK). */
function s3Settings(e: ConfigEnv): S3Settings {
  const endpoint = e.AWS_ENDPOINT_URL_S3 ?? e.AWS_ENDPOINT_URL;
  // S3-compatible servers mostly ignore the region, but SigV4 signs one.
  const region = e.AWS_REGION ?? e.AWS_DEFAULT_REGION ?? 'us-east-1';
  return { ...parseS3Url(e.STORAGE_URL!), endpoint, region };
}

/** The MX base URL in use: MX itself when configured, else the local sandbox. */
export function mxBaseUrl(config: Config): string {
  return config.mx.baseUrl ?? `http://${config.sandbox.host}:${config.sandbox.port}`;
}

/** For logs: the configuration with every secret replaced by a marker. */
export function describeConfig(config: Config): Record<string, unknown> {
  return {
    ...config,
    mx: { ...config.mx, apiKey: '[redacted]', proxy: config.mx.proxy && describeProxy(config.mx.proxy) },
    supportWeb: { ...config.supportWeb, token: config.supportWeb.token ? '[redacted]' : undefined },
    codec: {
      ...config.codec,
      key: config.codec.key ? '[redacted]' : undefined,
      previousKeys: config.codec.previousKeys?.map(() => '[redacted]'),
      sealKey: config.codec.sealKey ? '[redacted]' : undefined,
      sealPreviousKeys: config.codec.sealPreviousKeys?.map(() => '[redacted]'),
    },
    sandbox: { ...config.sandbox, webhookAuth: config.sandbox.webhookAuth && { ...config.sandbox.webhookAuth, password: '[redacted]' } },
    webhooks: {
      ...config.webhooks,
      credentials: config.webhooks.credentials && { ...config.webhooks.credentials, password: '[redacted]' },
    },
    events: { ...config.events, secret: config.events.secret ? '[redacted]' : undefined },
  };
}

function describeProxy(proxy: ProxySettings): ProxySettings {
  const shown = (raw: string | undefined) => {
    if (!raw) return raw;
    const parsed = parseProxyUrl(raw);
    return parsed.authorization ? `${parsed.origin} (with credentials)` : parsed.origin;
  };
  return { ...proxy, httpsProxy: shown(proxy.httpsProxy), httpProxy: shown(proxy.httpProxy) };
}
