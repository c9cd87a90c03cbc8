// The support page's sign-in over HTTP: wrong tokens count against the address, and past the limit
// even the right token is refused until the window ends.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSupportWeb, type SupportWeb } from '../../src/support/web';
import { connectToTestServer, type TemporalTestContext } from '../helpers/temporal';

const TOKEN = 'the-right-token-0123456789';

describe('support page sign-in limit', () => {
  let temporal: TemporalTestContext;
  let web: SupportWeb;
  beforeAll(async () => {
    temporal = await connectToTestServer();
    web = await startSupportWeb({
      client: temporal.client,
      host: '127.0.0.1',
      port: 0,
      token: TOKEN,
      signInLimit: { failures: 3, windowMs: 1_500 },
    });
  });
  afterAll(async () => {
    await web?.close();
    await temporal?.close();
  });

  const signIn = (token: string) => fetch(`${web.url}/login`, { method: 'POST', body: new URLSearchParams({ token }), redirect: 'manual' });

  it('answers 429 with Retry-After after three wrong tokens, then lets the right one in once the window ends', async () => {
    for (let i = 0; i < 3; i++) expect((await signIn(`wrong-guess-${i}`)).status).toBe(401);

    const locked = await signIn(TOKEN);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const page = await locked.text();
    expect(page).toMatch(/Too many wrong tokens from your address\. Try again in [12] s\./);
    expect(page).not.toContain(TOKEN);
    expect(locked.headers.get('set-cookie')).toBeNull();

    await new Promise((resolve) => setTimeout(resolve, 1_600));
    const allowed = await signIn(TOKEN);
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('set-cookie')).toMatch(/^mx_support_session_\d+=/);
    // The right token cleared the count: one wrong guess is just a wrong guess again.
    expect((await signIn('wrong-again')).status).toBe(401);
  });
});
