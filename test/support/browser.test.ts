// The support page in headless Chromium, against real runs waiting for MFA: what an agent sees and does,
// and what the page refuses. Writes docs/support-page.png when UPDATE_SCREENSHOTS=1 (else .tmp/).
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSupportWeb, type SupportWeb } from '../../src/support/web';
import { startSupportEnv, type SupportEnv, waitUntilQueued } from './helpers/support-env';

const CHROMIUM = '/usr/bin/chromium';
const chromiumMissing = !existsSync(CHROMIUM);
if (chromiumMissing && process.env.REQUIRE_SYSTEM_TOOLS === '1') {
  throw new Error(`${CHROMIUM} is missing and REQUIRE_SYSTEM_TOOLS=1: install it (scripts/install-system-deps.sh).`);
}
if (chromiumMissing) console.warn(`Skipping the support page browser tests: ${CHROMIUM} is not installed.`);

const SCREENSHOT = resolve(process.env.UPDATE_SCREENSHOTS === '1' ? 'docs/support-page.png' : '.tmp/support-page.png');

describe.skipIf(chromiumMissing)('support page in headless Chromium', () => {
  let env: SupportEnv;
  let web: SupportWeb;
  let browser: Browser;

  beforeAll(async () => {
    [env, browser] = await Promise.all([
      startSupportEnv(),
      chromium.launch({
        executablePath: CHROMIUM,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
      }),
    ]);
    web = await startSupportWeb({ client: env.client, host: '127.0.0.1', port: 0, token: undefined });
  });
  afterAll(async () => {
    await browser?.close();
    await web?.close();
    await env?.close();
  });

  async function signedInPage(): Promise<Page> {
    const page = await (await browser.newContext({ viewport: { width: 1100, height: 900 } })).newPage();
    await page.goto(web.loginUrl);
    await page.waitForURL(`${web.url}/`);
    return page;
  }

  /** The queue's section for a run; reloads until visibility lists it. */
  async function runSection(page: Page, workflowId: string) {
    const section = page.locator(`section.run[data-workflow-id="${workflowId}"]`);
    await expect.poll(async () => (await section.count()) || (await page.reload(), 0), { timeout: 15_000, interval: 500 }).toBe(1);
    return section;
  }

  it('shows a run waiting with an OPTIONS challenge, answers it, and sees the run complete', async () => {
    const [text, options, image] = await Promise.all([
      env.startRun('challenge', 'alice-web'),
      env.startRun('options', 'bob-web'),
      env.startRun('image', 'carol-web'),
    ]);
    await Promise.all([text, options, image].map((handle) => waitUntilQueued(env.client, handle)));
    const page = await signedInPage();
    // Other test files' runs share the server: find this test's runs the way an agent finds a caller's.
    await page.locator('#match').fill('-web-');
    await page.getByRole('button', { name: 'Find' }).click();
    await page.waitForURL(`${web.url}/?match=-web-`);
    const section = await runSection(page, options.workflowId);
    await runSection(page, text.workflowId);
    await runSection(page, image.workflowId);

    await expect.poll(() => section.locator('legend').innerText()).toBe('Pick one of the following OPTIONS');
    expect(await section.locator('input[type=radio]').evaluateAll((inputs) => inputs.map((i) => i.getAttribute('value')))).toEqual([
      'correct',
      'challenge',
      'wrong',
    ]);
    expect(await section.locator('time.left').innerText()).toMatch(/^(\dm \d\ds|\d+s)$/);
    expect(await page.locator('section.run').count()).toBe(3);
    expect(
      await page
        .locator(`section.run[data-workflow-id="${image.workflowId}"] img`)
        .evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth),
    ).toBe(1);
    mkdirSync(dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    await section.getByLabel('correct', { exact: true }).check();
    await section.getByRole('button', { name: 'Send answers' }).click();
    await page.waitForURL(new RegExp(`/runs/${options.workflowId}\\?result=`));
    await expect
      .poll(() => page.locator('.result').innerText())
      .toMatch(/^Accepted \(round 1\): MX connected the member and the run goes on\./);
    await expect
      .poll(async () => (await page.reload(), await page.locator('dd.status').innerText()), { timeout: 30_000, interval: 1_000 })
      .toBe('COMPLETED');
    expect(await page.locator('dd.step').innerText()).toMatch(/^COMPLETED/);
    await expect(options.result()).resolves.toBeDefined();
  });

  it('shows a follow-up question after an accepted answer, and the reason when a stale form is sent', async () => {
    const handle = await env.startRun('challenge', 'erin-web');
    const round1 = await waitUntilQueued(env.client, handle);
    const page = await signedInPage();
    await page.goto(`${web.url}/runs/${handle.workflowId}`);
    const staleForm = {
      _csrf: await page.locator('form.answers input[name=_csrf]').inputValue(),
      submission: 'stale-form-submission-0001',
      [`answer:${round1.mfa.challenges[0]!.guid}`]: 'correct',
    };
    await page.getByLabel('Answer').fill('challenge');
    await page.getByRole('button', { name: 'Send answers' }).click();
    await expect.poll(() => page.locator('.result').innerText()).toMatch(/^Accepted \(round 1\): MX asks a follow-up question/);
    expect(await page.locator('legend').innerText()).toBe('What was the name of your first pet? TEXT');

    const response = await page.request.post(`${web.url}/runs/${handle.workflowId}/answers`, { form: staleForm });
    expect(response.url()).toContain('?result=stale-form-submission-0001');
    await page.goto(response.url());
    expect(await page.locator('.result.rejected').innerText()).toMatch(
      new RegExp(`^Rejected, nothing was sent to MX\\. Challenge ${round1.mfa.challenges[0]!.guid} is not part of the current MFA round 2`),
    );
  });

  it('shows a challenge label holding <script> as text, and runs no script from it', async () => {
    const hostile = '<script>window.pwned = true</script><b>Pick</b> "one" & \'go\'';
    env.sandbox.setChallengeLabel(hostile);
    const handle = await env.startRun('options', 'mallory');
    try {
      await waitUntilQueued(env.client, handle);
    } finally {
      env.sandbox.setChallengeLabel(undefined);
    }
    const page = await signedInPage();
    const section = await runSection(page, handle.workflowId);
    expect(await section.locator('legend').evaluate((legend) => legend.firstChild?.textContent)).toBe(`${hostile} `);
    expect(await section.locator('legend b, legend script').count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as { pwned?: boolean }).pwned)).toBeUndefined();
  });

  it('refuses pages without the token, forms without the CSRF token, and says why', async () => {
    const anonymous = await (await browser.newContext()).newPage();
    const queue = await anonymous.goto(`${web.url}/`);
    expect(queue?.status()).toBe(401);
    expect(queue?.headers()['content-security-policy']).toContain("script-src 'self'");
    await expect.poll(() => anonymous.locator('h2').innerText()).toBe('Sign in');
    expect(await anonymous.locator('section.run').count()).toBe(0);
    const wrong = await anonymous.goto(`${web.url}/login?token=not-the-token`);
    expect(wrong?.status()).toBe(401);
    expect(await anonymous.locator('.problem').innerText()).toBe('That token is not valid.');
    const anonymousPost = await anonymous.request.post(`${web.url}/runs/any/answers`, { form: { 'answer:CRD-1': 'x' } });
    expect(anonymousPost.status()).toBe(401);

    const page = await signedInPage();
    const handle = await env.startRun('challenge', 'dave');
    const progress = await waitUntilQueued(env.client, handle);
    const guid = progress.mfa.challenges[0]!.guid;
    const url = `${web.url}/runs/${handle.workflowId}/answers`;
    for (const form of [{ [`answer:${guid}`]: 'correct' }, { [`answer:${guid}`]: 'correct', _csrf: 'forged-token' }]) {
      const response = await page.request.post(url, { form, maxRedirects: 0 });
      expect(response.status()).toBe(403);
      expect(await response.text()).toContain('CSRF token missing or wrong');
    }
    // Nothing reached the run: it still waits for the same round.
    expect((await waitUntilQueued(env.client, handle)).mfa.round).toBe(1);
  });
});
