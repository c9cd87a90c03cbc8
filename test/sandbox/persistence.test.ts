/* eslint-disable @typescript-eslint/no-explicit-any -- wire JSON */
// `npm run sandbox` keeps its state in DATA_DIR across restarts: the sandbox runs as a real process,
// is stopped as npm start stops it (SIGTERM), and started again on the same DATA_DIR.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/temporal/ports';
import { SandboxClient } from './helpers/client';

interface SandboxProcess {
  client: SandboxClient;
  output(): string;
  stop(): Promise<number | null>;
}

const started = new Set<ChildProcess>();
const dataDirs: string[] = [];
afterAll(() => {
  for (const child of started) child.kill('SIGKILL');
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

function newDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sandbox-state-'));
  dataDirs.push(dir);
  return dir;
}

/** `src/cmd/sandbox.ts` on a free port with this DATA_DIR; resolves once it listens. */
async function startSandboxProcess(dataDir: string, jobDurationMs = 600): Promise<SandboxProcess> {
  const port = await freePort();
  const env = { ...process.env, DATA_DIR: dataDir, SANDBOX_PORT: String(port), SANDBOX_JOB_DURATION_MS: String(jobDurationMs) };
  delete (env as NodeJS.ProcessEnv).MX_BASE_URL;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cmd/sandbox.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  started.add(child);
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sandbox did not start:\n${output}`)), 60_000);
    const check = () => output.includes('MX sandbox listening') && (clearTimeout(timer), resolve());
    child.stdout!.on('data', check);
    void exited.then(() => (clearTimeout(timer), reject(new Error(`sandbox exited:\n${output}`))));
  });
  return {
    client: new SandboxClient(`http://127.0.0.1:${port}`),
    output: () => output,
    async stop() {
      child.kill('SIGTERM');
      const code = await exited;
      started.delete(child);
      return code;
    },
  };
}

const statusOf = async (client: SandboxClient, user: string, member: string) =>
  (await client.get(`/users/${user}/members/${member}/status`)).json.member;

async function waitForStatus(client: SandboxClient, user: string, member: string, status: string): Promise<any> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const current = await statusOf(client, user, member);
    if (current.connection_status === status && (status === 'CHALLENGED' || !current.is_being_aggregated)) return current;
    if (Date.now() > deadline) throw new Error(`member is ${current.connection_status}, not ${status}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('the sandbox across restarts (npm run sandbox, DATA_DIR)', () => {
  it(
    'keeps users, members and a pending challenge; the answer works after the restart; no guid comes back',
    { timeout: 120_000 },
    async () => {
      const dataDir = newDataDir();
      const first = await startSandboxProcess(dataDir);
      const user = await first.client.createUser('restart-alice');
      const member = (await first.client.createMember(user, 'challenge')).json.member.guid as string;
      await waitForStatus(first.client, user, member, 'CHALLENGED');
      const challenges = (await first.client.get(`/users/${user}/members/${member}/challenges`)).json.challenges;
      const oldGuids = [user, member, challenges[0].guid];
      expect(await first.stop()).toBe(0);
      expect(first.output()).toContain(join(dataDir, 'sandbox', 'state.json'));
      expect(statSync(join(dataDir, 'sandbox', 'state.json')).mode & 0o777).toBe(0o600);

      const second = await startSandboxProcess(dataDir);
      // First thing after the restart: the guid counter must go on from where it was.
      const newUser = await second.client.createUser('restart-bob');
      expect((await second.client.get(`/users/${user}`)).json.user.id).toBe('restart-alice');
      const again = (await second.client.get(`/users/${user}/members/${member}/challenges`)).json.challenges;
      expect(again).toEqual(challenges);
      const resumed = await second.client.put(`/users/${user}/members/${member}/resume`, {
        member: { challenges: [{ guid: challenges[0].guid, value: 'correct' }] },
      });
      expect(resumed.status).toBe(202);
      await waitForStatus(second.client, user, member, 'CONNECTED');
      const accounts = (await second.client.get(`/users/${user}/members/${member}/accounts`)).json.accounts;
      expect(accounts.length).toBeGreaterThan(0);

      // New guids after the restart are new; same credentials are still a duplicate (409).
      const newMember = (await second.client.createMember(newUser, 'password')).json.member.guid as string;
      const newGuids = [newUser, newMember, ...accounts.map((a: any) => a.guid)];
      for (const guid of newGuids) expect(oldGuids).not.toContain(guid);
      expect((await second.client.createMember(user, 'challenge')).status).toBe(409);
      await second.stop();
    },
  );

  it('continues a job that was running when it stopped', { timeout: 60_000 }, async () => {
    const dataDir = newDataDir();
    const first = await startSandboxProcess(dataDir, 3_000);
    const user = await first.client.createUser('mid-job');
    const member = (await first.client.createMember(user, 'password')).json.member.guid as string;
    expect((await statusOf(first.client, user, member)).is_being_aggregated).toBe(true);
    await first.stop();
    const second = await startSandboxProcess(dataDir, 3_000);
    const done = await waitForStatus(second.client, user, member, 'CONNECTED');
    expect(done.is_being_aggregated).toBe(false);
    await second.stop();
  });

  it('makes guids unlike the old ones when the state file was removed', { timeout: 60_000 }, async () => {
    const first = await startSandboxProcess(newDataDir());
    const before = await first.client.createUser('same-steps');
    await first.stop();
    const second = await startSandboxProcess(newDataDir());
    expect(await second.client.createUser('same-steps')).not.toBe(before);
    await second.stop();
  });

  it('refuses a state file that is not one, naming it', { timeout: 60_000 }, async () => {
    const dataDir = newDataDir();
    const first = await startSandboxProcess(dataDir);
    await first.stop();
    const file = join(dataDir, 'sandbox', 'state.json');
    writeFileSync(file, '{"version": 1, "seed": "one"}');
    await expect(startSandboxProcess(dataDir)).rejects.toThrow(`${file} is not a sandbox state file (seed)`);
    expect(JSON.parse(readFileSync(file, 'utf8')).seed).toBe('one');
  });
});
