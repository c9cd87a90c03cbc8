// What keeping the sandbox's state on disk costs: N users, each with a connected MX Bank member and its
// statements, then the size of <state file> and how long one save (snapshot, write, fsync, rename) and
// one load take. The sandbox saves at most once per 100 ms while requests arrive, so a save well under
// that leaves requests unhindered.
// Run: npx tsx bench/sandbox-state.ts [users]
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { SANDBOX_API_KEY, SANDBOX_CLIENT_ID } from '../src/config';
import { readSavedState } from '../src/sandbox/persistence';
import { startSandbox } from '../src/sandbox/server';

const users = Number(process.argv[2] ?? 500);
const ROUNDS = 5;
const MXBANK = [
  { guid: 'CRD-9f61fb4c-912c-bd1e-b175-ccc7f0275cc1', value: 'mxuser' },
  { guid: 'CRD-e3d7ea81-aac7-05e9-fbdd-4b493c6e474d', value: 'password' },
];

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sandbox-state-bench-'));
  const stateFile = join(dir, 'state.json');
  const sandbox = await startSandbox({ port: 0, jobDurationMs: 20, stateFile });
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(sandbox.url + path, {
      method,
      headers: {
        authorization: `Basic ${Buffer.from(`${SANDBOX_CLIENT_ID}:${SANDBOX_API_KEY}`).toString('base64')}`,
        accept: 'application/vnd.mx.api.v1+json',
        'accept-version': 'v20111101',
        'content-type': 'application/json',
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return (await response.json()) as Record<string, { guid: string }>;
  };
  try {
    const members: [string, string][] = [];
    for (let i = 0; i < users; i++) {
      const user = (await call('POST', '/users', { user: { id: `bench-${i}` } })).user!.guid;
      const member = (await call('POST', `/users/${user}/members`, { member: { institution_code: 'mxbank', credentials: MXBANK } })).member!
        .guid;
      members.push([user, member]);
    }
    await new Promise((r) => setTimeout(r, 50));
    for (const [user, member] of members) await call('POST', `/users/${user}/members/${member}/fetch_statements`);
    await new Promise((r) => setTimeout(r, 50));
    for (const [user, member] of members) await call('GET', `/users/${user}/members/${member}/statements`);
    await sandbox.close();

    const saves: number[] = [];
    const loads: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const again = await startSandbox({ port: 0, stateFile });
      const started = performance.now();
      await again.close();
      saves.push(performance.now() - started);
      const loadStarted = performance.now();
      readSavedState(stateFile);
      loads.push(performance.now() - loadStarted);
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    console.log(`${users} users, ${users} members with statements: state file ${(statSync(stateFile).size / 1024 / 1024).toFixed(2)} MB`);
    console.log(
      `save (close: snapshot, write, fsync, rename) median ${median(saves).toFixed(1)} ms; load median ${median(loads).toFixed(1)} ms (${ROUNDS} rounds)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
