// `npm run codec`: the payload codec server on its own, for a Temporal Web UI that is not the one
// `npm start` runs (docker-compose.yml's, or Temporal Cloud's). It decrypts with the same key as the
// worker (PAYLOAD_CODEC_KEY, or the key file under DATA_DIR), so whoever reaches it can read payloads:
// it listens on CODEC_HOST (loopback by default) and answers browsers only from CODEC_CORS_ORIGINS.
import { loadConfig } from '../config';
import { startCodecServer } from '../temporal/codec-server';
import { loadCodecServerCodec } from '../temporal/data-converter';

async function main(): Promise<void> {
  const config = loadConfig();
  const corsOrigins = config.codec.corsOrigins ?? [
    `http://localhost:${config.temporal.uiPort}`,
    `http://127.0.0.1:${config.temporal.uiPort}`,
  ];
  const server = await startCodecServer({
    host: config.codec.host,
    port: config.codec.port,
    codec: await loadCodecServerCodec(config),
    corsOrigins,
  });
  console.log(`Codec server listening on ${server.url} for ${corsOrigins.join(', ')}. Ctrl-C stops it.`);
  const stop = () => void server.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(`Codec server failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
