// The one place that reads the environment. Everything else receives a typed Config.
import { z } from 'zod';
import { parseProxyUrl, type ProxySettings } from './mx/proxy';
import { DEFAULT_MX_API_VERSION, MX_API_VERSIONS, type MxApiVersion } from './mx/versions';
import { parseS3Url } from './storage/s3-location';
import type { S3Settings } from './storage/s3';

const port = z.coerce.number().int().min(0).max(65535);
const durationMs = z.coerce.number().int().positive();
/** A Temporal duration as people write it: 90s, 30m, 6h, 1d. */
const duration = z.string().regex(/^\d+(ms|s|m|h|d)$/, 'must be a number with a unit: ms, s, m, h or d (e.g. 6h)');
/** A 32-byte key (payload codec or sealing), base64; `whence` says where a good value comes from. */
const base64Key = (whence = 'openssl rand -base64 32') =>
  z
    .string()
    .regex(/^[A-Za-z0-9+/]{43}=$/, `must be 32 bytes, base64-encoded (${whence})`)
    .optional();
const base64Keys = z
  .string()
  .regex(/^[A-Za-z0-9+/]{43}=(,[A-Za-z0-9+/]{43}=)*$/, 'must be comma-separated 32-byte base64 keys')
  .optional();
// Proxy URLs may carry a password: the message says what is wrong, never the value.
const proxyUrl = z.string().superRefine((value, ctx) => {
  try {
    parseProxyUrl(value);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
  }
});

// STORAGE_URL=s3://bucket/prefix; the message says what is wrong with it.
const storageUrl = z.string().superRefine((value, ctx) => {
  try {
    parseS3Url(value);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
  }
});
// An S3 endpoint: credentials travel in the SDK's signature, never in the URL.
const s3Endpoint = z.string().superRefine((value, ctx) => {
  // Before parsing, and any "@": a secret key may hold "/", which moves it out of the URL's user info.
  if (value.includes('@')) {
    return void ctx.addIssue({
      code: 'custom',
      message: 'must not contain credentials; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY instead',
    });
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return void ctx.addIssue({ code: 'custom', message: 'must be an http(s) URL such as http://127.0.0.1:7070' });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    ctx.addIssue({ code: 'custom', message: 'must be an http(s) URL such as http://127.0.0.1:7070' });
});

const schema = z
  .object({
    MX_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
    MX_CLIENT_ID: z.string().min(1).optional(),
    MX_API_KEY: z.string().min(1).optional(),
    MX_TIMEOUT_MS: durationMs.default(30_000),
    // curl's names; the lowercase spelling wins when both are set, as in curl.
    HTTPS_PROXY: proxyUrl.optional(),
    https_proxy: proxyUrl.optional(),
    HTTP_PROXY: proxyUrl.optional(),
    http_proxy: proxyUrl.optional(),
    NO_PROXY: z.string().optional(),
    no_proxy: z.string().optional(),
    MX_API_VERSION: z.enum(MX_API_VERSIONS, { error: `must be one of ${MX_API_VERSIONS.join(', ')}` }).default(DEFAULT_MX_API_VERSION),
    TEMPORAL_TASK_QUEUE: z.string().min(1).default('mx-guides'),
    STORAGE_DIR: z.string().min(1).default('.data/storage'),
    DATA_DIR: z.string().min(1).default('.data'),
    TEMPORAL_PORT: port.default(7233),
    TEMPORAL_UI_PORT: port.default(8233),
    SANDBOX_HOST: z.string().min(1).default('127.0.0.1'),
    SANDBOX_PORT: port.default(8090),
    SANDBOX_SEED: z.coerce.number().int().optional(),
    SANDBOX_JOB_DURATION_MS: durationMs.optional(),
    SANDBOX_CHALLENGE_EXPIRY_MS: durationMs.optional(),
    SANDBOX_TRANSACTIONS_PER_ACCOUNT: z.coerce.number().int().positive().optional(),
    SANDBOX_STATEMENT_BYTES: z.coerce.number().int().positive().optional(),
    SANDBOX_WEBHOOK_URL: z.url({ protocol: /^https?$/ }).optional(),
    SUPPORT_WEB_HOST: z.string().min(1).default('127.0.0.1'),
    SUPPORT_WEB_PORT: port.default(8088),
    SUPPORT_WEB_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
    CODEC_PORT: port.default(8234),
    CODEC_HOST: z.string().min(1).default('127.0.0.1'),
    CODEC_CORS_ORIGINS: z
      .string()
      .regex(/^https?:\/\/[^\s,]+(,https?:\/\/[^\s,]+)*$/, 'must be comma-separated http(s) origins, e.g. http://localhost:8080')
      .optional(),
    PAYLOAD_CODEC_KEY: base64Key(),
    PAYLOAD_CODEC_PREVIOUS_KEYS: base64Keys,
    PAYLOAD_SEAL_KEY: base64Key(),
    PAYLOAD_SEAL_PREVIOUS_KEYS: base64Keys,
    PAYLOAD_SEAL_PUBLIC_KEY: base64Key('the content of <DATA_DIR>/seal.pub, or npm run -s seal-keys'),
    WORKER_SHUTDOWN_GRACE_MS: durationMs.default(20_000),
    WORKFLOW_BUNDLE_PATH: z.string().min(1).optional(),
    LOG_LEVEL: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']).default('INFO'),
    // S3-compatible storage (README, "Storage"): the AWS SDK's own variable names. The keys are only
    // checked for presence here; the SDK reads them, and they never enter Config.
    STORAGE_URL: storageUrl.optional(),
    AWS_ENDPOINT_URL_S3: s3Endpoint.optional(),
    AWS_ENDPOINT_URL: s3Endpoint.optional(),
    AWS_REGION: z
      .string()
      .regex(/^[a-z0-9-]+$/, 'must be a region name such as us-east-1')
      .optional(),
    AWS_DEFAULT_REGION: z
      .string()
      .regex(/^[a-z0-9-]+$/, 'must be a region name such as us-east-1')
      .optional(),
    AWS_ACCESS_KEY_ID: z.string().min(1).optional(),
    AWS_SECRET_ACCESS_KEY: z.string().min(1).optional(),
    // The worker's Prometheus endpoint (README, "Metrics"): off unless METRICS_PORT is set.
    METRICS_PORT: z.coerce
      .number({ error: 'must be a port number (0-65535; 0 = any free port), or unset for no metrics endpoint' })
      .int('must be a whole port number (0-65535)')
      .min(0, 'must be a port number 0-65535')
      .max(65535, 'must be a port number 0-65535')
      .optional(),
    METRICS_HOST: z
      .string()
      .regex(/^[^\s/]+$/, 'must be a host name or IP address to listen on, such as 127.0.0.1 or 0.0.0.0')
      .default('127.0.0.1'),
    // MX webhooks in (npm run webhooks) and run events out (README, "Webhooks and events").
    WEBHOOKS_HOST: z.string().min(1).default('127.0.0.1'),
    WEBHOOKS_PORT: port.default(8091),
    WEBHOOKS_USERNAME: z.string().min(1).optional(),
    WEBHOOKS_PASSWORD: z.string().min(16, 'must be at least 16 characters').optional(),
    MX_WEBHOOKS: z.enum(['on', 'off'], { error: 'must be on or off' }).default('off'),
    WEBHOOKS_FALLBACK_POLL_MS: durationMs.default(60_000),
    EVENTS_URL: z.url({ protocol: /^https?$/ }).optional(),
    EVENTS_SECRET: z.string().min(32, 'must be at least 32 characters (openssl rand -hex 32)').optional(),
    // Refresh schedules (npm run schedules): defaults for `create`, each overridable by its flag.
    REFRESH_INTERVAL: duration.default('6h'),
    REFRESH_JITTER: duration.default('15m'),
    REFRESH_CATCHUP_WINDOW: duration.default('1d'),
  })
  .superRefine((env, ctx) => {
    // Real MX needs real keys; the sandbox has its own defaults.
    if (env.MX_BASE_URL) {
      const url = new URL(env.MX_BASE_URL);
      if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
        const message = 'must be https:// (MX serves only HTTPS; http:// would send the API key in clear text), except on loopback';
        ctx.addIssue({ code: 'custom', path: ['MX_BASE_URL'], message });
      }
      for (const key of ['MX_CLIENT_ID', 'MX_API_KEY'] as const) {
        if (!env[key]) ctx.addIssue({ code: 'custom', path: [key], message: 'is required when MX_BASE_URL is set' });
      }
    }
    if (env.STORAGE_URL) {
      if (!env.AWS_ENDPOINT_URL_S3 && !env.AWS_ENDPOINT_URL && !env.AWS_REGION && !env.AWS_DEFAULT_REGION) {
        const message = "is required when STORAGE_URL is set without AWS_ENDPOINT_URL_S3 (the bucket's AWS region, e.g. us-east-1)";
        ctx.addIssue({ code: 'custom', path: ['AWS_REGION'], message });
      }
      for (const [key, other] of [
        ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'],
        ['AWS_SECRET_ACCESS_KEY', 'AWS_ACCESS_KEY_ID'],
      ] as const) {
        if (env[key] && !env[other]) ctx.addIssue({ code: 'custom', path: [other], message: `is required when ${key} is set` });
      }
    }
  });

/** localhost, 127.0.0.0/8 and ::1: traffic that never leaves the machine. */
function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

/** Every variable loadConfig reads (Temporal's own TEMPORAL_ADDRESS etc. are read by @temporalio/envconfig). */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(schema.shape);

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
  sandbox: {
    host: string;
    port: number;
    /** Sandbox-only knobs (npm run sandbox); undefined = the sandbox's defaults. */
    seed?: number;
    jobDurationMs?: number;
    challengeExpiryMs?: number;
    transactionsPerAccount?: number;
    statementBytes?: number;
    webhookUrl?: string;
    webhookAuth?: { username: string; password: string };
  };
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

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads the environment; throws one ConfigError naming every missing or invalid variable (never its value). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(cleaned);
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
function s3Settings(e: z.infer<typeof schema>): S3Settings {
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
