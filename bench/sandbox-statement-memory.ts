// Downloads one 500 MB statement PDF from the sandbox with curl (to /dev/null) while sampling the
// sandbox process's RSS; prints the peak growth (target < 64 MB) and the throughput.
// Run: npx tsx bench/sandbox-statement-memory.ts [megabytes]
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { SANDBOX_API_KEY, SANDBOX_CLIENT_ID } from '../src/config';
import { MX_BANK_PASSWORD_GUID, MX_BANK_USERNAME_GUID } from '../src/sandbox/institutions';
import { startSandbox } from '../src/sandbox/server';

const MB = 1024 * 1024;
const megabytes = Number(process.argv[2] ?? 500);
const TARGET_MB = 64;

async function main(): Promise<void> {
  const sandbox = await startSandbox({ port: 0, jobDurationMs: 50, statementBytes: megabytes * MB });
  const auth = `Basic ${Buffer.from(`${SANDBOX_CLIENT_ID}:${SANDBOX_API_KEY}`).toString('base64')}`;
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(sandbox.url + path, {
      method,
      headers: {
        authorization: auth,
        accept: 'application/vnd.mx.api.v1+json',
        'accept-version': 'v20111101',
        'content-type': 'application/json',
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return (await response.json()) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  };
  try {
    const user = (await call('POST', '/users', { user: { id: 'bench' } })).user.guid;
    const credentials = [
      { guid: MX_BANK_USERNAME_GUID, value: 'mxuser' },
      { guid: MX_BANK_PASSWORD_GUID, value: 'password' },
    ];
    const member = (
      await call('POST', `/users/${user}/members`, { member: { institution_code: 'mxbank', credentials, skip_aggregation: true } })
    ).member.guid;
    await call('POST', `/users/${user}/members/${member}/fetch_statements`);
    await new Promise((resolve) => setTimeout(resolve, 100));

    global.gc?.();
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);

    const hashStarted = performance.now();
    const statements = (await call('GET', `/users/${user}/members/${member}/statements`)).statements;
    const hashSeconds = (performance.now() - hashStarted) / 1000;
    const uri = statements[0].uri as string;

    const { stdout } = await promisify(execFile)('curl', [
      '-sS',
      '-o',
      '/dev/null',
      '-w',
      '%{size_download} %{time_total} %{http_code}',
      '-H',
      `Authorization: ${auth}`,
      '-H',
      'Accept: application/vnd.mx.api.v1+pdf',
      '-H',
      'Accept-Version: v20111101',
      sandbox.url + uri,
    ]);
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    const [bytes, seconds, status] = stdout.trim().split(' ').map(Number) as [number, number, number];
    const growthMb = (peak - baseline) / MB;
    console.log(`statement size        ${(bytes / MB).toFixed(1)} MB (HTTP ${status}, expected ${megabytes} MB)`);
    console.log(
      `content_hash (first)  ${hashSeconds.toFixed(2)} s for ${statements.length} statements (one streamed pass over the shared prefix)`,
    );
    console.log(`download throughput   ${(bytes / MB / seconds).toFixed(0)} MB/s (${seconds.toFixed(2)} s, curl to /dev/null)`);
    console.log(`sandbox RSS           baseline ${(baseline / MB).toFixed(0)} MB, peak ${(peak / MB).toFixed(0)} MB`);
    console.log(
      `peak RSS growth       ${growthMb.toFixed(1)} MB (target < ${TARGET_MB} MB): ${growthMb < TARGET_MB ? 'OK' : 'OVER TARGET'}`,
    );
    if (bytes !== megabytes * MB || status !== 200) process.exitCode = 1;
  } finally {
    await sandbox.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
