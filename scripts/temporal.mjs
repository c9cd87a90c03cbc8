// `npm run temporal -- <args>`: the project's Temporal CLI, without a global install. When `npm start`'s
// codec server answers on loopback, the CLI gets it as TEMPORAL_CODEC_ENDPOINT, so inputs it sends are
// encrypted and payloads it shows are decrypted.
import { spawn } from 'node:child_process';
import { requireTemporalCli } from './temporal-cli.mjs';

let cli;
try {
  cli = requireTemporalCli();
} catch (err) {
  console.error(err.message);
  process.exit(1);
}

/** True when a codec server speaks Temporal's remote codec protocol at url. */
async function codecServerAnswers(url) {
  try {
    const response = await fetch(`${url}/decode`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"payloads":[]}',
      signal: AbortSignal.timeout(500),
    });
    return response.ok && Array.isArray((await response.json()).payloads);
  } catch {
    return false;
  }
}

const env = { ...process.env };
if (!env.TEMPORAL_CODEC_ENDPOINT) {
  const local = `http://127.0.0.1:${env.CODEC_PORT || 8234}`;
  if (await codecServerAnswers(local)) env.TEMPORAL_CODEC_ENDPOINT = local;
}

const child = spawn(cli, process.argv.slice(2), { stdio: 'inherit', env });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
