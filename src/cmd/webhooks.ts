// `npm run webhooks`: the MX webhook receiver on WEBHOOKS_HOST:WEBHOOKS_PORT (POST /webhooks/mx) until
// SIGINT/SIGTERM. It signals the runs waiting on a member; background aggregations are recorded in
// <DATA_DIR>/webhooks/background-aggregations.jsonl. Needs WEBHOOKS_PASSWORD (and WEBHOOKS_USERNAME).
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../config';
import { connectClient, temporalTarget } from '../temporal/connection';
import { loadDataConverter } from '../temporal/data-converter';
import { BackgroundAggregationLog } from '../webhooks/background';
import { startWebhookReceiver } from '../webhooks/server';

async function main(): Promise<void> {
  const config = loadConfig();
  const credentials = config.webhooks.credentials;
  if (!credentials) {
    throw new ConfigError(
      "WEBHOOKS_PASSWORD is not set: the receiver accepts only webhooks with HTTP Basic credentials (set WEBHOOKS_USERNAME and WEBHOOKS_PASSWORD, and the same pair on MX's webhook configuration).",
    );
  }
  const target = temporalTarget();
  const client = await connectClient(target, { dataConverter: await loadDataConverter(config) });
  const background = new BackgroundAggregationLog(join(config.dataDir, 'webhooks', 'background-aggregations.jsonl'));
  const receiver = await startWebhookReceiver({ host: config.webhooks.host, port: config.webhooks.port, credentials, client, background });
  const stop = (signal: string) => {
    console.log(`${signal}: stopping the webhook receiver.`);
    Promise.all([receiver.close(), client.connection.close()]).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
  console.log(`MX webhook receiver listening on ${receiver.url} (HTTP Basic as ${credentials.username}; Temporal ${target.address}).`);
}

main().catch((err: unknown) => {
  console.error(`Webhook receiver failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
