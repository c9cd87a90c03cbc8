// The measuring code shared by bench/download-statement.ts and bench/s3-statement.ts: a sandbox child
// process serving one large statement, a connected MX Bank member with statements, and one download
// through the downloadStatement activity with this process's peak RSS growth sampled around it.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { Activities, DownloadStatementInput, DownloadStatementResult } from '../activities/types';

export const MB = 1024 * 1024;

/** A connected MX Bank member with statements, made through the same activities. */
export async function prepareStatement(activities: Activities): Promise<Omit<DownloadStatementInput, 'key'>> {
  const user = await activities.ensureUser({ id: `bench-${randomUUID()}` });
  const institution = await activities.findInstitution({ code: 'mxbank', requireStatements: true });
  const member = await activities.ensureMember({
    userGuid: user.guid,
    institutionCode: 'mxbank',
    credentialFields: institution.credentials,
    credentials: { LOGIN: 'mxuser', PASSWORD: 'password' },
    skipAggregation: true,
  });
  const ref = { userGuid: user.guid, memberGuid: member.guid };
  await activities.startStatementsJob(ref);
  while ((await activities.readMemberStatus(ref)).isBeingAggregated) await new Promise((r) => setTimeout(r, 50));
  const [first] = await activities.listStatements(ref);
  if (!first) throw new Error('the sandbox produced no statement');
  return { ...ref, statementGuid: first.guid, contentHash: first.contentHash };
}

/** One downloadStatement run (MockActivityEnvironment, as a worker runs it), checked against the expected size and hash. */
export async function downloadThroughActivity(activities: Activities, input: DownloadStatementInput, expectedBytes: number) {
  global.gc?.();
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
  const cpu = process.cpuUsage();
  const started = performance.now();
  const result = (await new MockActivityEnvironment().run(activities.downloadStatement, input)) as DownloadStatementResult;
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  if (result.bytes !== expectedBytes || result.sha256 !== input.contentHash) throw new Error(`bad download: ${JSON.stringify(result)}`);
  return { seconds, growthMb: (peak - baseline) / MB, userSeconds: used.user / 1e6, sysSeconds: used.system / 1e6 };
}

/** `npm run sandbox` in a child process (so its memory is not counted here), resolved once it prints its URL. */
export function startSandboxProcess(port: number, statementBytes: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cmd/sandbox.ts'], {
    env: {
      ...process.env,
      SANDBOX_PORT: String(port),
      SANDBOX_STATEMENT_BYTES: String(statementBytes),
      SANDBOX_JOB_DURATION_MS: '50',
      MX_BASE_URL: '',
      MX_CLIENT_ID: '',
      MX_API_KEY: '',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolveStart, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('listening on')) resolveStart(child);
    });
    child.once('exit', (code) => reject(new Error(`sandbox exited (${code}): ${output}`)));
  });
}
