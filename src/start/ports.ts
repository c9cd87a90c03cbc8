// Every port `npm start` will bind, checked before anything starts, so a conflict costs nothing.
import type { Config } from '../config';
import { assertPortFree } from '../temporal/ports';

interface PortUse {
  host: string;
  port: number;
  what: string;
  envVar: string;
}

export function portsToBind(config: Config, options: { devServer: boolean; sandbox: boolean; webhooks?: boolean }): PortUse[] {
  return [
    ...(options.devServer
      ? [
          { host: '127.0.0.1', port: config.temporal.port, what: 'Temporal dev server', envVar: 'TEMPORAL_PORT' },
          { host: '127.0.0.1', port: config.temporal.uiPort, what: 'Temporal Web UI', envVar: 'TEMPORAL_UI_PORT' },
        ]
      : []),
    { host: '127.0.0.1', port: config.codec.port, what: 'codec server', envVar: 'CODEC_PORT' },
    ...(options.sandbox ? [{ ...config.sandbox, what: 'MX sandbox', envVar: 'SANDBOX_PORT' }] : []),
    { ...config.supportWeb, what: 'support page', envVar: 'SUPPORT_WEB_PORT' },
    ...(options.webhooks
      ? [{ host: config.webhooks.host, port: config.webhooks.port, what: 'webhook receiver', envVar: 'WEBHOOKS_PORT' }]
      : []),
  ];
}

/** Throws one message listing every port that is taken or configured twice. */
export async function assertPortsFree(uses: PortUse[]): Promise<void> {
  const problems: string[] = [];
  const seen = new Map<number, PortUse>();
  for (const use of uses) {
    const earlier = seen.get(use.port);
    if (earlier) {
      problems.push(`${earlier.envVar} and ${use.envVar} are both ${use.port}; give each its own port.`);
      continue;
    }
    seen.set(use.port, use);
    await assertPortFree(use.port, use.host, use.what, use.envVar).catch((err: Error) => problems.push(err.message));
  }
  if (problems.length > 0) throw new Error(problems.join('\n'));
}
