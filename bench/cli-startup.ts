// How long a support CLI call takes, from process start to exit: transpiled by tsx at every start (how
// `npm run support` ran before) against the build (`node scripts/run.mjs support`, dist/), side by side,
// for `--help` and for a real call (`pending` against a dev server this bench starts). Rounds alternate
// between the variants so load from other jobs hits them alike; figures are medians of wall time and of
// CPU time (user + system, the process and its children, from /usr/bin/time), which load changes less.
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

// The first is what `npm run support` ran before (npm, then tsx), the last what it runs now.
const VARIANTS = {
  'before: npx tsx src/cmd/support.ts': ['npx', 'tsx', 'src/cmd/support.ts'],
  'tsx src/cmd/support.ts': ['node_modules/.bin/tsx', 'src/cmd/support.ts'],
  'node scripts/run.mjs support': [process.execPath, 'scripts/run.mjs', 'support'],
  'now: npm run -s support --': ['npm', 'run', '-s', 'support', '--'],
} as const;

interface Timing {
  wallMs: number;
  cpuMs: number;
}

function timeOnce(command: readonly string[], args: string[], env: NodeJS.ProcessEnv): Timing {
  const started = process.hrtime.bigint();
  const result = spawnSync('/usr/bin/time', ['-f', 'cpu %U %S', ...command, ...args], { env, encoding: 'utf8' });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`${command.join(' ')} ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  const [, user, system] = /cpu (\S+) (\S+)\s*$/.exec(result.stderr) ?? [];
  return { wallMs, cpuMs: (Number(user) + Number(system)) * 1000 };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function main(): Promise<void> {
  await build({ quiet: true });
  const dataDir = mkdtempSync(join(tmpdir(), 'cli-startup-'));
  const server = await startDevServer({ port: await freePort() });
  const env = {
    ...process.env,
    TEMPORAL_ADDRESS: server.address,
    DATA_DIR: dataDir,
    PAYLOAD_CODEC_KEY: randomBytes(32).toString('base64'),
  };
  try {
    const calls: [string, string[]][] = [
      ['--help', ['--help']],
      ['pending (dev server)', ['pending']],
    ];
    console.log(
      `support CLI, process start to exit, median of ${rounds} rounds (load average ${(await import('node:os')).loadavg()[0]!.toFixed(1)} at start)\n`,
    );
    const names = Object.keys(VARIANTS) as (keyof typeof VARIANTS)[];
    console.log(['call'.padEnd(30), ...names.map((n) => n.padStart(37))].join(''));
    for (const [label, args] of calls) {
      const times = new Map<string, Timing[]>(names.map((n) => [n, []]));
      // One untimed call each: the first spawn pays for cold disk caches.
      for (const name of names) timeOnce(VARIANTS[name], args, env);
      for (let round = 0; round < rounds; round++) {
        const order = round % 2 === 0 ? names : [...names].reverse();
        for (const name of order) times.get(name)!.push(timeOnce(VARIANTS[name], args, env));
      }
      for (const kind of ['wallMs', 'cpuMs'] as const) {
        const of = (n: string) => median(times.get(n)!.map((t) => t[kind]));
        const tsx = of(names[0]!);
        console.log(
          [
            `${label} ${kind === 'wallMs' ? 'wall' : 'CPU'}`.padEnd(30),
            ...names.map((n) => `${of(n).toFixed(0)} ms${n === names[0] ? '' : ` (${(of(n) / tsx).toFixed(2)}x)`}`.padStart(37)),
          ].join(''),
        );
      }
    }
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
