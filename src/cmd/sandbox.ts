// `npm run sandbox`: the MX Platform API sandbox on SANDBOX_HOST:SANDBOX_PORT until SIGINT/SIGTERM/SIGHUP,
// its state kept in <DATA_DIR>/sandbox/state.json so that a restart (of it, or of `npm start`) loses nothing.
import { join } from 'node:path';
import { loadConfig, SANDBOX_API_KEY, SANDBOX_CLIENT_ID } from '../config';
import { MX_BANK_PASSWORD_GUID, MX_BANK_USERNAME_GUID } from '../sandbox/institutions';
import { startSandbox } from '../sandbox/server';

async function main(): Promise<void> {
  const config = loadConfig();
  // Without MX_BASE_URL the MX client talks to this sandbox with config.mx's keys, so accept exactly those.
  const keys = config.mx.baseUrl
    ? { clientId: SANDBOX_CLIENT_ID, apiKey: SANDBOX_API_KEY }
    : { clientId: config.mx.clientId, apiKey: config.mx.apiKey };
  const { host, port, ...knobs } = config.sandbox;
  const stateFile = join(config.dataDir, 'sandbox', 'state.json');
  const sandbox = await startSandbox({ host, port, ...knobs, ...keys, stateFile, log: config.logLevel === 'DEBUG' });
  const stop = (signal: string) => {
    console.log(`${signal}: stopping the sandbox.`);
    sandbox.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(`Sandbox did not stop cleanly: ${err instanceof Error ? err.message : String(err)}`);
        process.exit(1);
      },
    );
  };
  // Before the banner: whoever waits for it may signal at once, and the state must be saved then too.
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGHUP', () => stop('SIGHUP'));
  const shownKey = keys.apiKey === SANDBOX_API_KEY ? keys.apiKey : '[the value of MX_API_KEY]';
  console.log(
    [
      `MX sandbox listening on ${sandbox.url}`,
      `  Basic auth   client_id ${keys.clientId}  api_key ${shownKey}`,
      '  Versions     Accept-Version v20111101 (Accept application/vnd.mx.api.v1+json) or v20250224 (Accept application/json); none: 406',
      `  MX Bank      institution_code mxbank, username mxuser (guid ${MX_BANK_USERNAME_GUID})`,
      `               password "password" connects, "challenge" asks MFA (answer "correct"); password guid ${MX_BANK_PASSWORD_GUID}`,
      `  All test passwords: curl ${sandbox.url}/`,
      `  State        ${stateFile} (kept across restarts; remove it, with the sandbox stopped, to start empty)`,
      'Ctrl-C stops.',
    ].join('\n'),
  );
}

main().catch((err: unknown) => {
  console.error(`Sandbox failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
