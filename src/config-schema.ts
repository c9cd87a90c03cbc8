// The environment loadConfig reads: each variable's rules and the rules between them (zod). Apart from
// src/config.ts (which turns the parsed environment into a Config) so each stays under 300 lines.
import { z } from 'zod';
import { parseProxyUrl } from './mx/proxy';
import { DEFAULT_MX_API_VERSION, MX_API_VERSIONS } from './mx/versions';
import { parseS3Url } from './storage/s3-location';

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

export const configSchema = z
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
    // The worker's capacity and memory (README "Worker tuning"; bench/concurrency.ts measures them).
    WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).optional(),
    WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: z.coerce.number().int().min(2).optional(),
    WORKER_MAX_CONCURRENT_ACTIVITIES: z.coerce.number().int().min(1).optional(),
    WORKER_MAX_CONCURRENT_LOCAL_ACTIVITIES: z.coerce.number().int().min(1).optional(),
    WORKER_WORKFLOW_TASK_POLLERS: z.coerce.number().int().min(1).optional(),
    WORKER_ACTIVITY_TASK_POLLERS: z.coerce.number().int().min(1).optional(),
    WORKER_WORKFLOW_HEAP_MB: z.coerce.number().int().min(64).optional(),
    WORKER_REUSE_V8_CONTEXT: z.enum(['true', 'false'], { error: 'must be true or false' }).optional(),
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

/** The environment after parsing. */
export type ConfigEnv = z.infer<typeof configSchema>;
