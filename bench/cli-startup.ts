// How long a support CLI call takes, from process start to exit: transpiled by tsx at every start (how
// `npm run support` ran before) against the build (`node scripts/run.mjs support`, dist/), side by side,
// for `--help` and for a real call (`pending` against a dev server this bench starts). Rounds alternate
// between the two so load from other jobs hits both alike; figures are medians.
// Run: npx tsx bench/cli-startup.ts [rounds]   (default 7)
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from '../scripts/build.mjs';
import { startDevServer } from '../src/temporal/dev-server';
import { freePort } from '../src/temporal/ports';

const rounds = Number(process.argv[2] ?? 7);

const VARIANTS = {
  'tsx (npx tsx src/cmd/support.ts)': ['npx', 'tsx', 'src/cmd/support.ts'],
  'built (node scripts/run.mjs support)': [process.execPath, 'scripts/run.mjs', 'support'],
  'built via npm (npm run -s support --)': ['npm', 'run', '-s', 'support', '--'],
} as const;

function timeOnce(command: readonly string[], args: string[], env: NodeJS.ProcessEnv): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(command[0]!, [...command.slice(1), ...args], { env, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`${command.join(' ')} ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return ms;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function main(): Promise<void> {
  await build({ quiet: true });
  const dataDir = mkdtempSync(join(tmpdir(), 'cli-startup-'));
  const server = await startDevServer({ port: await freePort() });
  const env = { ...process.env, TEMPORAL_ADDRESS: server.address, DATA_DIR: dataDir, PAYLOAD_CODEC_KEY: randomBytes(32).toString('base64') };
  try {
    const calls: [string, string[]][] = [
      ['--help', ['--help']],
      ['pending (dev server)', ['pending']],
    ];
    console.log(`support CLI, process start to exit, median of ${rounds} rounds (load average ${(await import('node:os')).loadavg()[0]!.toFixed(1)} at start)\n`);
    const names = Object.keys(VARIANTS) as (keyof typeof VARIANTS)[];
    console.log(['call'.padEnd(22), ...names.map((n) => n.padStart(40))].join(''));
    for (const [label, args] of calls) {
      const times = new Map<string, number[]>(names.map((n) => [n, []]));
      // One untimed call each: the first spawn pays for cold disk caches.
      for (const name of names) timeOnce(VARIANTS[name], args, env);
      for (let round = 0; round < rounds; round++) {
        const order = round % 2 === 0 ? names : [...names].reverse();
        for (const name of order) times.get(name)!.push(timeOnce(VARIANTS[name], args, env));
      }
      const tsx = median(times.get(names[0]!)!);
      console.log(
        [
          label.padEnd(22),
          ...names.map((n) => {
            const ms = median(times.get(n)!);
            return `${ms.toFixed(0)} ms${n === names[0] ? '' : ` (${(ms / tsx).toFixed(2)}x)`}`.padStart(40);
          }),
        ].join(''),
      );
    }
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
