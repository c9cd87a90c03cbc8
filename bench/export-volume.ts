// P4 of issue 15: the export's overhead over a plain paging script writing the same NDJSON.
//   npx tsx bench/export-volume.ts [transactions] [rounds]      (default 100000 and 5)
// One sandbox in a child process (as MX is another machine: its CPU is not this process's), 50 ms per
// request as the issue sets it, one MX Bank member aggregated once with ~`transactions` transactions in
// the export window. Then alternating rounds of (a) bench/direct/export.ts, a hand-written paging script,
// and (b) the exportAccountsAndTransactions activity from activities/index.ts with the local storage
// backend, called in-process through MockActivityEnvironment (heartbeats and all): the workflow's part of
// an export is this one activity task, so this is the export as the worker runs it. Both must write
// byte-identical NDJSON (checked every round; the bench fails if not). The first round of each is a
// warm-up; the medians and their ratio are over the others. Also printed: this process's CPU time per export
// (steadier than wall time on a shared machine) and its peak RSS growth, sampled every 10 ms.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities } from '../activities';
import type { Activities, ExportResult, MemberRef } from '../activities/types';
import { SANDBOX_API_KEY, SANDBOX_CLIENT_ID } from '../src/config';
import { createMxClient } from '../src/mx/client';
import { startSandbox } from '../src/sandbox/server';
import { createLocalStorage } from '../src/storage/local';
import { directExport } from './direct/export';

const LATENCY_MS = 50;
const ACCOUNTS_PER_MEMBER = 5; // MX Bank's accounts (src/sandbox/accounts.ts)
const MB = 1024 * 1024;

if (process.argv[2] === '--sandbox') {
  // The child: a sandbox until killed, its URL on stdout.
  const sandbox = await startSandbox({
    port: 0,
    jobDurationMs: 50,
    transactionsPerAccount: Number(process.argv[3]),
    faults: { latencyMs: LATENCY_MS },
  });
  console.log(`sandbox ${sandbox.url}`);
} else {
  await main(Number(process.argv[2] ?? 100_000), Number(process.argv[3] ?? 5));
}

async function main(transactions: number, rounds: number) {
  if (!(transactions > 0) || !(rounds >= 2)) throw new Error('usage: npx tsx bench/export-volume.ts [transactions>0] [rounds>=2]');
  const perAccount = Math.ceil(transactions / ACCOUNTS_PER_MEMBER);
  const { child, url } = await startSandboxProcess(perAccount);
  const root = await mkdtemp(join(tmpdir(), 'export-volume-'));
  try {
    const mx = createMxClient({ baseUrl: url, clientId: SANDBOX_CLIENT_ID, apiKey: SANDBOX_API_KEY, timeoutMs: 30_000 });
    const activities = createActivities({ mx, storage: createLocalStorage(join(root, 'storage')), clock: { now: () => new Date() } });
    const ref = await aggregatedMember(activities);
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    const window = { fromDate: day(-120), toDate: day(5) };
    console.log(`P4 export: ${perAccount * ACCOUNTS_PER_MEMBER} transactions (${perAccount} per account), ${LATENCY_MS} ms per request`);
    console.log('round  direct s  export s  ratio  direct CPU s  export CPU s  direct RSS+ MB  export RSS+ MB');
    const direct: number[] = [];
    const product: number[] = [];
    const cpu = { direct: [] as number[], product: [] as number[] };
    for (let round = 1; round <= rounds; round++) {
      const dir = join(root, `direct-${round}`);
      const files = { accountsFile: `${dir}-accounts.ndjson`, transactionsFile: `${dir}-transactions.ndjson` };
      const a = await measured(() =>
        directExport({ baseUrl: url, clientId: SANDBOX_CLIENT_ID, apiKey: SANDBOX_API_KEY, ...ref, ...window, ...files }),
      );
      const input = { ...ref, ...window, keyPrefix: `export-${round}` };
      const b = await measured(
        async () => (await new MockActivityEnvironment().run(activities.exportAccountsAndTransactions, input)) as ExportResult,
      );
      await sameBytes(files.accountsFile, join(root, 'storage', b.result.accountsKey));
      await sameBytes(files.transactionsFile, join(root, 'storage', b.result.transactionsKey));
      if (a.result.transactions !== b.result.transactionCount) throw new Error('the two exports counted different transactions');
      if (round > 1) {
        direct.push(a.seconds);
        product.push(b.seconds);
        cpu.direct.push(a.cpuSeconds);
        cpu.product.push(b.cpuSeconds);
      }
      const note = round === 1 ? '  (warm-up)' : '';
      console.log(
        `${String(round).padStart(5)}  ${a.seconds.toFixed(2).padStart(8)}  ${b.seconds.toFixed(2).padStart(8)}  ${(b.seconds / a.seconds).toFixed(2).padStart(5)}` +
          `  ${a.cpuSeconds.toFixed(2).padStart(12)}  ${b.cpuSeconds.toFixed(2).padStart(12)}` +
          `  ${a.growthMb.toFixed(0).padStart(14)}  ${b.growthMb.toFixed(0).padStart(14)}${note}`,
      );
      await rm(join(root, 'storage', input.keyPrefix), { recursive: true, force: true });
      await rm(files.accountsFile, { force: true });
      await rm(files.transactionsFile, { force: true });
    }
    const d = median(direct);
    const p = median(product);
    console.log(`median direct ${d.toFixed(2)} s, export ${p.toFixed(2)} s: export ÷ direct = ${(p / d).toFixed(3)} (goal ≤ 1.05)`);
    const [dc, pc] = [median(cpu.direct), median(cpu.product)];
    console.log(`median CPU of this process: direct ${dc.toFixed(2)} s, export ${pc.toFixed(2)} s (+${(pc - dc).toFixed(2)} s)`);
  } finally {
    child.kill('SIGTERM');
    if (!process.env.KEEP) await rm(root, { recursive: true, force: true });
  }
}

/** A user and an MX Bank member whose aggregation has finished, made through the activities. */
async function aggregatedMember(activities: Activities): Promise<MemberRef> {
  const user = await activities.ensureUser({ id: `bench-${randomUUID()}` });
  const institution = await activities.findInstitution({ code: 'mxbank', requireStatements: false });
  const member = await activities.ensureMember({
    userGuid: user.guid,
    institutionCode: 'mxbank',
    credentialFields: institution.credentials,
    credentials: { Username: 'mxuser', Password: 'password' },
    skipAggregation: false,
  });
  const ref = { userGuid: user.guid, memberGuid: member.guid };
  for (;;) {
    const state = await activities.readMemberStatus(ref);
    if (!state.isBeingAggregated && state.connectionStatus !== 'RESUMED') break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return ref;
}

async function measured<T>(run: () => Promise<T>) {
  global.gc?.();
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
  const started = performance.now();
  const cpu = process.cpuUsage();
  try {
    const result = await run();
    const used = process.cpuUsage(cpu);
    const cpuSeconds = (used.user + used.system) / 1e6;
    return {
      result,
      seconds: (performance.now() - started) / 1000,
      cpuSeconds,
      growthMb: (Math.max(peak, process.memoryUsage().rss) - baseline) / MB,
    };
  } finally {
    clearInterval(sampler);
  }
}

async function sameBytes(expected: string, actual: string) {
  const [a, b] = await Promise.all([sha256(expected), sha256(actual)]);
  if (a.hash !== b.hash || a.bytes !== b.bytes) {
    throw new Error(`the export wrote different bytes than the direct script: ${actual} (${b.bytes} B) vs ${expected} (${a.bytes} B)`);
  }
}

async function sha256(file: string) {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(file)) {
    bytes += (chunk as Buffer).length;
    hash.update(chunk as Buffer);
  }
  return { hash: hash.digest('hex'), bytes };
}

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function startSandboxProcess(transactionsPerAccount: number): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--sandbox', String(transactionsPerAccount)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const url = /sandbox (\S+)/.exec(output)?.[1];
      if (url) resolve({ child, url });
    });
    child.once('exit', (code) => reject(new Error(`sandbox exited (${code}): ${output}`)));
  });
}
