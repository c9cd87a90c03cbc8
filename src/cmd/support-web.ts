// Entry of `npm run support:web`: the MFA support page (src/support/web.ts).
import { loadConfig } from '../config';
import { connectSupportClient } from '../support/connect';
import { startSupportWeb } from '../support/web';
import { resolveToken } from '../support/web/sessions';

try {
  const { host, port, token: configured } = loadConfig().supportWeb;
  // Refuse a public bind without a token before anything else starts.
  const { token } = resolveToken(host, configured);
  const temporal = await connectSupportClient();
  const web = await startSupportWeb({ client: temporal.client, host, port, token });
  console.log(`Support page for Temporal at ${temporal.address}: ${web.url}`);
  console.log(
    configured
      ? `Sign in at ${web.url}/login with SUPPORT_WEB_TOKEN.`
      : `No SUPPORT_WEB_TOKEN set, so this start has its own. Sign in at: ${web.loginUrl}`,
  );
  const stop = async () => {
    await web.close();
    await temporal.close();
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
} catch (err) {
  console.error(`support page: ${(err as Error).message.split('\n')[0]}`);
  process.exitCode = 1;
}
