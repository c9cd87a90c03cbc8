// Issue 11: whoever can open the Web UI (through the codec server) or run the CLI never sees a bank
// password, a username or an MFA answer, while the run still completes. Everything is real: the
// dev server, the sandbox, the worker with its sealing keys, the codec server, and the Temporal CLI
// through `npm run temporal` (scripts/temporal.mjs).
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { type CodecServer, startCodecServer } from '../../src/temporal/codec-server';
import { loadCodecServerCodec } from '../../src/temporal/data-converter';
import { freePort } from '../../src/temporal/ports';
import { FAILURE_TYPES } from '../../src/failures/catalogue';
import { awaitingMfa, failureOf, waitForProgress } from '../workflows/guide-env';
import { FAST, type SealedGuideEnv, startSealedGuideEnv } from './helpers/sealed-guide-env';
import { uniqueName } from '../helpers/temporal';

const run = promisify(execFile);
// MX Bank's username, the password that asks a question and the right answer, as JSON strings: the
// words themselves also occur in activity names and MX's messages ("list MFA challenges").
const SECRETS = ['mxuser', '"challenge"', '"correct"'];
const MASKED = /sealed:v1:[\w-]{16}:••••/;

interface JsonPayload {
  metadata?: Record<string, string>;
  data?: string;
}

/** Every payload in a history (or any JSON): objects with base64 `data` and an `encoding`. */
function payloadsIn(value: unknown): JsonPayload[] {
  if (Array.isArray(value)) return value.flatMap(payloadsIn);
  if (typeof value !== 'object' || value === null) return [];
  const object = value as Record<string, unknown>;
  if (typeof object.metadata === 'object' && object.metadata !== null && 'encoding' in object.metadata) return [object as JsonPayload];
  return Object.values(object).flatMap(payloadsIn);
}

const text = (payloads: JsonPayload[]) => payloads.map((p) => Buffer.from(p.data ?? '', 'base64').toString('utf8')).join('\n');

describe('secrets stay with the workers', () => {
  let env: SealedGuideEnv;
  let codecServer: CodecServer;
  let cliEnv: NodeJS.ProcessEnv;
  const cliOutput: string[] = [];

  /** `npm run temporal -- ...` as a person types it, its output kept for the check. */
  async function temporal(...args: string[]): Promise<string> {
    const { stdout, stderr } = await run(process.execPath, ['scripts/temporal.mjs', ...args, '--address', env.temporal.address], {
      env: cliEnv,
      timeout: 30_000,
    });
    cliOutput.push(stdout, stderr);
    return stdout;
  }

  beforeAll(async () => {
    env = await startSealedGuideEnv();
    codecServer = await startCodecServer({ port: await freePort(), codec: await loadCodecServerCodec(env.config), corsOrigins: [] });
    cliEnv = { ...process.env, CODEC_PORT: new URL(codecServer.url).port, TEMPORAL_CODEC_ENDPOINT: '' };
  });
  afterAll(async () => {
    await codecServer?.close();
    await env?.close();
  });

  it('completes a run started and answered from the CLI with no plain secret in history, codec view, CLI output or logs', async () => {
    const workflowId = uniqueName('fetch-account-data-secrets');
    const inputFile = join(env.dataDir, 'input.json');
    const input = {
      userId: 'secrets-check',
      institutionCode: 'mxbank',
      credentials: { username: 'mxuser', password: 'challenge' },
      ...FAST,
    };
    writeFileSync(inputFile, JSON.stringify(input), { mode: 0o600 });
    await temporal(
      'workflow',
      'start',
      '--task-queue',
      env.taskQueue,
      '--type',
      'fetchAccountData',
      '--workflow-id',
      workflowId,
      '--input-file',
      inputFile,
    );

    const handle = env.client.workflow.getHandle(workflowId);
    const waiting = await waitForProgress(handle, awaitingMfa);
    const answerFile = join(env.dataDir, 'answer.json');
    writeFileSync(answerFile, JSON.stringify({ answers: [{ guid: waiting.mfa.challenges[0]!.guid, value: 'correct' }] }), { mode: 0o600 });
    const update = await temporal(
      'workflow',
      'update',
      'execute',
      '--workflow-id',
      workflowId,
      '--name',
      'answerMfa',
      '--input-file',
      answerFile,
      '-o',
      'json',
    );
    expect(update).toMatch(/"outcome":\s*"CONNECTED"/);
    expect(await temporal('workflow', 'result', '-w', workflowId, '-o', 'json')).toMatch(/COMPLETED/);

    const history = JSON.parse(historyToJSON(await handle.fetchHistory()));
    const raw = payloadsIn(history);
    const response = await fetch(`${codecServer.url}/decode`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ payloads: raw }),
    });
    expect(response.status).toBe(200);
    const codecView = text(payloadsIn(await response.json()));
    // The CLI prints payloads as base64 in JSON output: read them as a person piping it to base64 -d would.
    const shown = text(payloadsIn(JSON.parse(await temporal('workflow', 'show', '-w', workflowId, '-o', 'json'))));

    // The views are the real ones: the input and the answers are readable, their secrets masked.
    expect(codecView).toContain('"userId":"secrets-check"');
    expect(codecView).toMatch(new RegExp(`"password":"${MASKED.source}"`));
    expect(codecView).toMatch(new RegExp(`"value":"${MASKED.source}"`));
    expect(shown).toMatch(new RegExp(`"username":"${MASKED.source}"`));
    expect(env.logs.length).toBeGreaterThan(0);
    for (const [where, content] of Object.entries({
      history: JSON.stringify(history) + text(raw),
      codecView,
      cliOutput: cliOutput.join('\n') + shown,
      logs: env.logs.join('\n'),
    })) {
      for (const secret of SECRETS) expect(content, `${secret} in ${where}`).not.toContain(secret);
    }
  });

  it('refuses to send input without a codec server, and says how to start one', async () => {
    const nowhere = { ...cliEnv, CODEC_PORT: String(await freePort()) };
    const refused = await run(
      process.execPath,
      [
        'scripts/temporal.mjs',
        'workflow',
        'start',
        '--type',
        'fetchAccountData',
        '--task-queue',
        'q',
        '--input-file',
        '/dev/null',
        '--address',
        env.temporal.address,
      ],
      { env: nowhere },
    ).catch((err: { code: number; stderr: string }) => err);
    expect('code' in refused && refused.code).toBe(2);
    expect((refused as { stderr: string }).stderr).toContain('start `npm start` (or `npm run codec`');
    expect((refused as { stderr: string }).stderr).toContain('--allow-plaintext');
  });

  it('fails a 1 MB password as invalid input, not as an institution without statements', async () => {
    const handle = await env.start('fetchStatements', 'x'.repeat(1024 * 1024));
    const failure = await failureOf(handle);
    expect(failure.type).toBe(FAILURE_TYPES.invalidInput);
    expect(failure.message).toContain('credentials.password: must be at most 1024 bytes');
    expect(failure.message).not.toContain('xxxx');
  });
});
