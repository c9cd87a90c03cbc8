// What `npm start` adds for MX webhooks: with the sandbox, the receiver always runs and the sandbox posts
// to it with per-session Basic credentials (unless WEBHOOKS_PASSWORD is set), and the worker counts on
// webhooks (MX_WEBHOOKS=on unless set). With real MX the receiver runs only when WEBHOOKS_PASSWORD is
// set, since MX must be told its public HTTPS address on the client dashboard.
import { randomBytes } from 'node:crypto';
import type { Config } from '../config';

export function webhookEnv(config: Config, env: NodeJS.ProcessEnv, sandbox: boolean): NodeJS.ProcessEnv | undefined {
  if (!sandbox && !config.webhooks.credentials) return undefined;
  const { host, port } = config.webhooks;
  return {
    WEBHOOKS_USERNAME: config.webhooks.credentials?.username ?? 'mx',
    // Passed to the children in their environment, never on a command line or screen.
    WEBHOOKS_PASSWORD: config.webhooks.credentials?.password ?? randomBytes(24).toString('hex'),
    ...(sandbox
      ? { SANDBOX_WEBHOOK_URL: env.SANDBOX_WEBHOOK_URL || `http://${host.includes(':') ? `[${host}]` : host}:${port}/webhooks/mx` }
      : {}),
    ...(sandbox && !env.MX_WEBHOOKS ? { MX_WEBHOOKS: 'on' } : {}),
  };
}
