// `npm run temporal -- <args>`: the project's Temporal CLI, without a global install. When `npm start`'s
// codec server answers on loopback, the CLI gets it as TEMPORAL_CODEC_ENDPOINT, so inputs it sends are
// sealed and encrypted and payloads it shows are decrypted (with credentials and MFA answers masked).
// Without a codec server, a workflow command that sends input would put credentials or MFA answers into
// history in plain text: it is refused unless the caller says so (--allow-plaintext).
import { spawn } from 'node:child_process';
import { requireTemporalCli } from './temporal-cli.mjs';

const ALLOW_PLAINTEXT_FLAG = '--allow-plaintext';
const INPUT_FLAG = /^(-i|--input|--input-file|--update-input|--update-input-file)(=.*)?$/;

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
      // Refused connections fail at once; this only bounds a busy codec server (seen at 500 ms under load).
      signal: AbortSignal.timeout(2_000),
    });
    return response.ok && Array.isArray((await response.json()).payloads);
  } catch {
    return false;
  }
}

/** `workflow start|execute|signal|update ...` with an input flag, and no codec endpoint given on the command line. */
function sendsInput(args) {
  return args[0] === 'workflow' && args.some((arg) => INPUT_FLAG.test(arg)) && !args.some((arg) => /^--codec-endpoint(=|$)/.test(arg));
}

const args = process.argv.slice(2).filter((arg) => arg !== ALLOW_PLAINTEXT_FLAG);
const allowPlaintext = args.length !== process.argv.length - 2 || process.env.TEMPORAL_ALLOW_PLAINTEXT === '1';
const env = { ...process.env };
if (!env.TEMPORAL_CODEC_ENDPOINT) {
  const local = `http://127.0.0.1:${env.CODEC_PORT || 8234}`;
  if (await codecServerAnswers(local)) env.TEMPORAL_CODEC_ENDPOINT = local;
}
if (!env.TEMPORAL_CODEC_ENDPOINT && sendsInput(args) && !allowPlaintext) {
  console.error(
    [
      `No payload codec server answers on http://127.0.0.1:${env.CODEC_PORT || 8234}, so this input would reach Temporal's history`,
      'in plain text, credentials and MFA answers included. Refused. Either:',
      '  - start `npm start` (or `npm run codec` beside your own Temporal server) and run the command again, or',
      '  - point TEMPORAL_CODEC_ENDPOINT at your codec server, or',
      `  - send it unencrypted anyway with ${ALLOW_PLAINTEXT_FLAG} (or TEMPORAL_ALLOW_PLAINTEXT=1); the worker still seals what it passes on.`,
    ].join('\n'),
  );
  process.exit(2);
}

const child = spawn(cli, args, { stdio: 'inherit', env });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
