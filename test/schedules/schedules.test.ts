// Refresh schedules end to end: `npm run schedules` (its CLI function, same arguments) against the real
// dev server, a worker built like `npm run worker` (encrypted payloads), the sandbox over HTTP. A short
// interval fires refreshes that complete; a member that starts asking for new credentials pauses its
// schedule with the reason and shows in `list --needs-user`; after the fix, resuming works.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Config, loadConfig, SANDBOX_API_KEY, SANDBOX_CLIENT_ID } from '../../src/config';
import { type Sandbox, startSandbox } from '../../src/sandbox/server';
import { runSchedulesCli } from '../../src/schedules/cli';
import type { RefreshScheduleRow } from '../../src/schedules/manage';
import { connectClient, temporalTarget } from '../../src/temporal/connection';
import { loadDataConverter } from '../../src/temporal/data-converter';
import type { RunManifest } from '../../workflows/manifest';
import { startProjectWorker } from '../helpers/project-worker';
import { connectToTestServer, type TemporalTestContext, uniqueName } from '../helpers/temporal';
import { setPassword } from '../refresh/helpers';

let temporal: TemporalTestContext;
let sandbox: Sandbox;
let worker: { shutdown(): Promise<void> };
let client: Client;
let dir: string;
let env: NodeJS.ProcessEnv;
let config: Config;

beforeAll(async () => {
  temporal = await connectToTestServer();
  sandbox = await startSandbox({ port: 0, jobDurationMs: 300, transactionsPerAccount: 40 });
  dir = mkdtempSync(join(tmpdir(), 'mx-schedules-'));
  env = {
    TEMPORAL_ADDRESS: temporal.address,
    DATA_DIR: join(dir, 'data'),
    STORAGE_DIR: join(dir, 'storage'),
    TEMPORAL_TASK_QUEUE: uniqueName('schedules'),
  };
  config = loadConfig(env);
  worker = await startProjectWorker({
    temporal,
    config,
    sandboxUrl: sandbox.url,
    storageDir: config.storageDir,
    taskQueue: config.taskQueue,
  });
  client = await connectClient(temporalTarget(env), { dataConverter: await loadDataConverter(config) });
});
afterAll(async () => {
  await client?.connection.close();
  await worker?.shutdown();
  await sandbox?.close();
  await temporal?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const sink = (append: (s: string) => void) => new Writable({ write: (chunk, _e, done) => (append(String(chunk)), done()) });
  const code = await runSchedulesCli(args, { stdout: sink((s) => (out += s)), stderr: sink((s) => (err += s)), env });
  return { code, out, err };
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function refreshes(scheduleId: string, status: string, after = new Date(0)): Promise<number> {
  let n = 0;
  for await (const run of client.workflow.list({ query: `TemporalScheduledById = '${scheduleId}' AND ExecutionStatus = '${status}'` })) {
    if (run.startTime > after) n += 1;
  }
  return n;
}

async function row(scheduleId: string): Promise<RefreshScheduleRow | undefined> {
  const { out } = await cli('list', '--json');
  return (JSON.parse(out) as RefreshScheduleRow[]).find((r) => r.scheduleId === scheduleId);
}

describe('npm run schedules', () => {
  it('fires refreshes; pauses itself when the member needs new credentials; resumes after the fix', async () => {
    const userId = uniqueName('sched');
    const guide = await client.workflow.start('fetchAccountData', {
      taskQueue: config.taskQueue,
      workflowId: uniqueName(`fetch-account-data-${userId}`),
      args: [
        {
          userId,
          institutionCode: 'mxbank',
          credentials: { username: 'mxuser', password: 'password' },
          polling: { initialInterval: '100ms', maxInterval: '400ms' },
        },
      ],
    });
    const manifest = (await guide.result()) as RunManifest;
    const memberGuid = manifest.member.guid;

    const created = await cli('create', '--user', userId, '--member', memberGuid, '--every', '3s', '--jitter', '0s', '--catchup', '1m');
    expect(created).toMatchObject({ code: 0, err: '' });
    const scheduleId = created.out.match(/schedule (\S+):/)![1]!;
    expect((await cli('create', '--user', userId, '--member', memberGuid)).err).toMatch(/exists already/);
    // The Temporal CLI (and so the Web UI's Schedules page) shows it.
    const listed = execFileSync('node', ['scripts/temporal.mjs', 'schedule', 'list', '--address', temporal.address], { encoding: 'utf8' });
    expect(listed).toContain(scheduleId);
    const described = await client.schedule.getHandle(scheduleId).describe();
    expect(described.policies).toMatchObject({ overlap: 'SKIP', catchupWindow: 60_000 });

    await until('two scheduled refreshes that completed', async () => ((await refreshes(scheduleId, 'Completed')) >= 2 ? true : undefined));
    expect(await refreshes(scheduleId, 'Failed')).toBe(0);

    // The user changed their password at the bank: MX's next aggregation ends DENIED.
    const member = `/users/${manifest.user.guid}/members/${memberGuid}`;
    const sandboxGet = async <T>(path: string) => (await (await fetch(new URL(path, sandbox.url), { headers: mxHeaders })).json()) as T;
    await setPassword({ sandboxUrl: sandbox.url, sandboxGet }, member, 'DENIED');
    const paused = await until('the schedule to pause itself', async () => {
      const r = await row(scheduleId);
      return r?.paused ? r : undefined;
    });
    expect(paused).toMatchObject({ needsUser: true, userId, member: memberGuid });
    expect(paused.note).toMatch(/^NEEDS_NEW_CREDENTIALS: The member is DENIED\..*Next: Ask the user/);
    const queue = await cli('list', '--needs-user');
    expect(queue.out).toMatch(new RegExp(`NEEDS USER  ${scheduleId}  ${userId}  ${memberGuid}`));
    await until('the failed refresh in the listing', async () => ((await refreshes(scheduleId, 'Failed')) >= 1 ? true : undefined));
    expect(await refreshes(scheduleId, 'Failed')).toBe(1); // paused: no second failing run

    // Fixed: new credentials, then resume; the next runs complete again.
    await setPassword({ sandboxUrl: sandbox.url, sandboxGet }, member, 'password');
    const resumedAt = new Date();
    expect(await cli('resume', '--user', userId, '--member', memberGuid, '--note', 'new credentials entered')).toMatchObject({ code: 0 });
    expect(await row(scheduleId)).toMatchObject({ paused: false, needsUser: false, note: 'new credentials entered' });
    await until('a refresh after resuming', async () => ((await refreshes(scheduleId, 'Completed', resumedAt)) >= 1 ? true : undefined));

    expect((await cli('pause', '--id', scheduleId, '--note', 'maintenance')).code).toBe(0);
    expect(await row(scheduleId)).toMatchObject({ paused: true, needsUser: false });
    const before = await refreshes(scheduleId, 'Completed');
    expect((await cli('trigger', '--id', scheduleId)).code).toBe(0); // a manual run even while paused
    await until('the triggered refresh', async () => ((await refreshes(scheduleId, 'Completed')) > before ? true : undefined));
    expect((await cli('delete', '--id', scheduleId)).code).toBe(0);
    expect(await row(scheduleId)).toBeUndefined();
  });

  it('refuses bad arguments with the reason', async () => {
    expect(await cli('frobnicate')).toMatchObject({ code: 2, err: expect.stringMatching(/unknown command "frobnicate"/) });
    expect(await cli('create', '--user', 'u')).toMatchObject({
      code: 2,
      err: expect.stringMatching(/exactly one of --member or --institution/),
    });
    expect(await cli('create', '--user', 'u', '--member', 'm', '--every', 'soon')).toMatchObject({
      code: 2,
      err: expect.stringMatching(/--every must be a duration/),
    });
    expect(await cli('resume', '--id', 'refresh-nobody-none')).toMatchObject({
      code: 1,
      err: expect.stringMatching(/no schedule refresh-nobody-none/),
    });
  });
});

const mxHeaders = {
  authorization: `Basic ${Buffer.from(`${SANDBOX_CLIENT_ID}:${SANDBOX_API_KEY}`).toString('base64')}`,
  accept: 'application/vnd.mx.api.v1+json',
  'accept-version': 'v20111101',
};
