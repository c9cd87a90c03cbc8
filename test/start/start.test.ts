import { execFile } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTemporalCli } from '../../scripts/temporal-cli.mjs';
import { SEARCH_ATTRIBUTES } from '../../workflows/messages';
import { uniqueName } from '../helpers/temporal';
import { descendants, freePorts, runStart, type StartRun, survivors } from './run-start';

const run = promisify(execFile);
const temporalCli = requireTemporalCli();
const READY = '[start] Ready.';
const ENCRYPTED = Buffer.from('binary/encrypted').toString('base64');
const CHROMIUM = '/usr/bin/chromium';
const chromiumMissing = !existsSync(CHROMIUM);
if (chromiumMissing && process.env.REQUIRE_SYSTEM_TOOLS === '1')
  throw new Error(`${CHROMIUM} is required (scripts/install-system-deps.sh).`);
const ACCOUNT_RUN = 'fetch-account-data-alice-mxbank';

async function temporal(args: string[], timeoutMs = 30_000): Promise<string> {
  const { stdout } = await run(temporalCli, args, { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

interface HistoryPayload {
  metadata?: Record<string, string>;
  data?: string;
}

/** Every payload anywhere in a `temporal workflow show -o json` history. */
function payloadsIn(node: unknown, found: HistoryPayload[] = []): HistoryPayload[] {
  if (Array.isArray(node)) for (const item of node) payloadsIn(item, found);
  else if (node && typeof node === 'object') {
    const record = node as Record<string, unknown>;
    if (Array.isArray(record.payloads)) found.push(...(record.payloads as HistoryPayload[]));
    for (const [key, value] of Object.entries(record)) if (key !== 'payloads') payloadsIn(value, found);
  }
  return found;
}

describe('npm start', () => {
  let start: StartRun;
  let pids: number[] = [];
  beforeAll(async () => {
    start = runStart(await freePorts());
    await start.waitFor(READY, 240_000);
    pids = [start.process.pid!, ...descendants(start.process.pid!)];
  }, 300_000);
  afterAll(() => start?.killAll());

  it('prints the Web UI, the support page and a ready-to-paste start command per guide', () => {
    const { TEMPORAL_UI_PORT, TEMPORAL_PORT, CODEC_PORT, SUPPORT_WEB_PORT } = start.ports;
    const out = start.output();
    expect(out).toContain(`Web UI        http://localhost:${TEMPORAL_UI_PORT}`);
    expect(out).toContain(`Support page  http://127.0.0.1:${SUPPORT_WEB_PORT}`);
    for (const [type, id] of [
      ['fetchAccountData', 'fetch-account-data-alice-mxbank'],
      ['fetchStatements', 'fetch-statements-alice-mxbank'],
    ]) {
      expect(out).toContain(
        `npm run -s temporal -- workflow start --address 127.0.0.1:${TEMPORAL_PORT} --codec-endpoint http://127.0.0.1:${CODEC_PORT} ` +
          `--task-queue mx-guides --type ${type} --workflow-id ${id} --id-conflict-policy Fail --fail-existing ` +
          `--input-file ${join(start.dataDir, 'sample-input.json')}`,
      );
    }
    // The sandbox's banner names MX Bank's test username; the commands do not carry credentials.
    expect(out.split('\n').filter((line) => line.includes('workflow start') && line.includes('mxuser'))).toEqual([]);
    expect(JSON.parse(readFileSync(join(start.dataDir, 'sample-input.json'), 'utf8'))).toMatchObject({
      credentials: { username: 'mxuser' },
    });
    expect(statSync(join(start.dataDir, 'sample-input.json')).mode & 0o777).toBe(0o600);
    expect(out).toMatch(/\[worker\] /);
    expect(out).toMatch(/\[sandbox\] /);
    expect(out).toMatch(/\[support\] /);
  });

  it('serves the Temporal Web UI, persisting to <DATA_DIR>/temporal.db with a 0600 codec key beside it', async () => {
    const res = await fetch(`http://127.0.0.1:${start.ports.TEMPORAL_UI_PORT}/`);
    expect(res.status).toBe(200);
    expect(existsSync(join(start.dataDir, 'temporal.db'))).toBe(true);
    expect(statSync(join(start.dataDir, 'codec.key')).mode & 0o777).toBe(0o600);
  });

  it('registers every custom search attribute', async () => {
    const listed = await temporal(['operator', 'search-attribute', 'list', '--address', `127.0.0.1:${start.ports.TEMPORAL_PORT}`]);
    for (const key of SEARCH_ATTRIBUTES) expect(listed).toContain(key.name);
  });

  it('completes a fetchAccountData run started with the real CLI, and its raw history holds no credentials', async () => {
    const address = `127.0.0.1:${start.ports.TEMPORAL_PORT}`;
    const codec = `http://127.0.0.1:${start.ports.CODEC_PORT}`;
    const workflowId = ACCOUNT_RUN;
    const input = {
      userId: 'alice',
      institutionCode: 'mxbank',
      credentials: { username: 'mxuser', password: 'password' },
      polling: { initialInterval: '200ms', maxInterval: '1s' },
    };
    await temporal([
      'workflow',
      'start',
      '--address',
      address,
      '--codec-endpoint',
      codec,
      '--task-queue',
      'mx-guides',
      '--type',
      'fetchAccountData',
      '--workflow-id',
      workflowId,
      '--id-conflict-policy',
      'Fail',
      '--input',
      JSON.stringify(input),
    ]);
    const result = await temporal(
      ['workflow', 'result', '--address', address, '--codec-endpoint', codec, '-w', workflowId, '-o', 'json'],
      150_000,
    );
    expect(result).toMatch(/COMPLETED/);

    const raw = JSON.parse(await temporal(['workflow', 'show', '--address', address, '-w', workflowId, '-o', 'json']));
    // Temporal's core SDK writes patch markers (workflows/event-settings.ts) itself, past the payload
    // codec: they hold only the patch id, which is checked here; every other payload must be encrypted.
    const isPatch = (e: { markerRecordedEventAttributes?: { markerName?: string } }) =>
      e.markerRecordedEventAttributes?.markerName === 'core_patch';
    const patchText = payloadsIn((raw.events as object[]).filter(isPatch)).map((p) => Buffer.from(p.data ?? '', 'base64').toString('utf8'));
    for (const text of patchText) expect(['member-and-run-events', 'fewer-round-trips']).toContain(JSON.parse(text).id);
    // Local activities (workflows/activity-proxies.ts): core keeps its own bookkeeping in each marker's
    // "data" (sequence, attempt, activity id and type, times), also past the codec; the result is ours.
    type Marker = { markerRecordedEventAttributes?: { markerName?: string; details?: Record<string, unknown> } };
    const events = (raw.events as Marker[]).filter((e) => !isPatch(e));
    const localActivities = events.filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity');
    expect(localActivities.length).toBeGreaterThan(0);
    for (const e of localActivities) {
      const { data, ...rest } = e.markerRecordedEventAttributes!.details!;
      for (const p of payloadsIn(data)) {
        const bookkeeping = JSON.parse(Buffer.from(p.data ?? '', 'base64').toString('utf8'));
        expect(Object.keys(bookkeeping).sort()).toEqual(
          ['activity_id', 'activity_type', 'attempt', 'backoff', 'complete_time', 'original_schedule_time', 'seq'].sort(),
        );
      }
      e.markerRecordedEventAttributes!.details = rest;
    }
    const payloads = payloadsIn(events);
    expect(payloads.length).toBeGreaterThan(3);
    for (const payload of payloads) expect(payload.metadata?.encoding).toBe(ENCRYPTED);
    const rawText = JSON.stringify(raw) + payloads.map((p) => Buffer.from(p.data ?? '', 'base64').toString('latin1')).join('');
    expect(rawText).not.toContain('mxuser');

    // Through the codec server the input is readable (the check above looked at the right thing), but
    // the credential values stay sealed: only workers can open them.
    const decoded = payloadsIn(
      JSON.parse(await temporal(['workflow', 'show', '--address', address, '--codec-endpoint', codec, '-w', workflowId, '-o', 'json'])),
    );
    const decodedText = decoded.map((p) => Buffer.from(p.data ?? '', 'base64').toString('utf8')).join('\n');
    expect(decodedText).toContain('"userId":"alice"');
    expect(decodedText).toMatch(/"username":"sealed:v1:[\w-]{16}:••••"/);
    expect(decodedText).not.toContain('mxuser');
  }, 200_000);

  it('answers MFA with the real CLI through the codec: query progress, then update answerMfa', async () => {
    const address = `127.0.0.1:${start.ports.TEMPORAL_PORT}`;
    const codec = `http://127.0.0.1:${start.ports.CODEC_PORT}`;
    const workflowId = uniqueName('fetch-account-data-mfa');
    const input = {
      userId: 'mfa-cli',
      institutionCode: 'mxbank',
      credentials: { username: 'mxuser', password: 'challenge' },
      polling: { initialInterval: '200ms', maxInterval: '1s' },
    };
    const cli = (args: string[]) => temporal([...args, '--address', address, '--codec-endpoint', codec]);
    await cli([
      'workflow',
      'start',
      '--task-queue',
      'mx-guides',
      '--type',
      'fetchAccountData',
      '--workflow-id',
      workflowId,
      '--input',
      JSON.stringify(input),
    ]);
    // A query has no arguments: the CLI asks the codec server to encode an empty list ({} on the wire).
    let challenges: { guid: string; label: string }[] = [];
    for (let i = 0; i < 100 && challenges.length === 0; i++) {
      const answer = JSON.parse(await cli(['workflow', 'query', '--workflow-id', workflowId, '--name', 'progress', '-o', 'json']));
      challenges = (answer.queryResult?.[0] ?? answer).mfa?.challenges ?? [];
      if (challenges.length === 0) await new Promise((r) => setTimeout(r, 200));
    }
    expect(challenges[0]?.label).toBe('What city were you born in?');
    const update = await cli([
      'workflow',
      'update',
      'execute',
      '--workflow-id',
      workflowId,
      '--name',
      'answerMfa',
      '--input',
      JSON.stringify({ answers: [{ guid: challenges[0]!.guid, value: 'correct' }] }),
      '-o',
      'json',
    ]);
    expect(update).toMatch(/"outcome":\s*"CONNECTED"/);
    expect(await cli(['workflow', 'result', '-w', workflowId, '-o', 'json'])).toMatch(/COMPLETED/);
  }, 200_000);

  it.skipIf(chromiumMissing)(
    'shows the run decrypted in the Web UI, which calls the codec server from the browser',
    async () => {
      const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
      try {
        const page = await browser.newPage();
        const codecCalls: string[] = [];
        page.on('response', (res) => {
          if (res.url().startsWith(`http://127.0.0.1:${start.ports.CODEC_PORT}/decode`)) codecCalls.push(String(res.status()));
        });
        await page.goto(`http://localhost:${start.ports.TEMPORAL_UI_PORT}/namespaces/default/workflows/${ACCOUNT_RUN}`);
        await page.getByText('"userId": "alice"').first().waitFor({ timeout: 30_000 });
        expect(codecCalls.length).toBeGreaterThan(0);
        expect(codecCalls.every((status) => status === '200')).toBe(true);
        expect(await page.innerText('body')).not.toContain('binary/encrypted');
        expect(await page.innerText('body')).not.toContain('mxuser');
      } finally {
        await browser.close();
      }
    },
    60_000,
  );

  it('npm run temporal finds the codec server by itself (CODEC_PORT), so a plain workflow start is encrypted', async () => {
    const address = `127.0.0.1:${start.ports.TEMPORAL_PORT}`;
    const workflowId = uniqueName('wrapper');
    await run(
      process.execPath,
      [
        'scripts/temporal.mjs',
        'workflow',
        'start',
        '--address',
        address,
        '--task-queue',
        uniqueName('nobody'),
        '--type',
        'fetchStatements',
        '--workflow-id',
        workflowId,
        '--input',
        '{"credentials":{"password":"wrapper-secret"}}',
      ],
      {
        env: { ...process.env, CODEC_PORT: String(start.ports.CODEC_PORT), TEMPORAL_CODEC_ENDPOINT: '' },
      },
    );
    const raw = JSON.parse(await temporal(['workflow', 'show', '--address', address, '-w', workflowId, '-o', 'json']));
    const [input] = payloadsIn(raw);
    expect(input?.metadata?.encoding).toBe(ENCRYPTED);
    expect(Buffer.from(input?.data ?? '', 'base64').toString('latin1')).not.toContain('wrapper-secret');
    await temporal(['workflow', 'terminate', '--address', address, '-w', workflowId, '--reason', 'test']);
  });

  it('stops everything on Ctrl-C, worker first, and leaves no process behind', async () => {
    expect(pids.length).toBeGreaterThanOrEqual(5);
    const stoppedAt = Date.now();
    start.interrupt();
    const { code, signal } = await start.exited;
    await start.waitFor('[start] Stopped.', 5_000);
    expect(Date.now() - stoppedAt).toBeLessThan(30_000);
    // npx and tsx sit between us and start.ts and may report the SIGINT they also received.
    expect(code === 0 || signal === 'SIGINT').toBe(true);
    const out = start.output();
    expect(out).not.toContain('killing everything now');
    const order = ['SIGINT: stopping', 'Stopped the worker.', 'Stopped the MX sandbox.', 'Stopped the Temporal dev server.'];
    const positions = order.map((line) => out.indexOf(`[start] ${line}`));
    expect(positions.every((at) => at >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(await survivors(pids, 5_000)).toEqual([]);
    const { stdout } = await run('pgrep', ['-f', start.dataDir]).catch((err: { stdout: string }) => err);
    expect(stdout.trim()).toBe('');
  }, 60_000);
});
