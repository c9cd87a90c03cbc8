// P1 of issue 15: what durability costs one run. Each guide as a workflow (dev server, one worker process
// as production runs it) against the same MX calls hand-written (bench/direct/), in alternating rounds
// against the sandbox with 50 ms per request and 3 s jobs; the first round is a warm-up and not counted.
// Printed: each round's times, the medians and their ratio per guide, and the MX calls each side made.
// Run: npx tsx bench/guide-overhead.ts [rounds]   (measured rounds after the warm-up, default 5)
import { join } from 'node:path';
import { SANDBOX_API_KEY, SANDBOX_CLIENT_ID } from '../src/config';
import { fetchAccountDataDirect } from './direct/fetch-account-data';
import { fetchStatementsDirect } from './direct/fetch-statements';
import { countMxCalls, total } from './lib/mx-calls';
import { guideInput, JOB_DURATION_MS, median, MX_LATENCY_MS, newUserId, startBench, type BenchSetup } from './lib/setup';

const rounds = Number(process.argv[2] ?? 5);
if (!Number.isInteger(rounds) || rounds < 1) {
  console.error(`Usage: npx tsx bench/guide-overhead.ts [rounds]   (a positive integer; got ${process.argv[2]})`);
  process.exit(2);
}

type Guide = 'fetchAccountData' | 'fetchStatements';
const GUIDES: Guide[] = ['fetchAccountData', 'fetchStatements'];
const DIRECT = { fetchAccountData: fetchAccountDataDirect, fetchStatements: fetchStatementsDirect };

interface Side {
  times: number[];
  calls: Map<string, number>;
}

async function main(): Promise<void> {
  const bench = await startBench();
  const counter = countMxCalls(bench.sandbox.port);
  const sides = new Map<string, Side>();
  const side = (guide: Guide, kind: 'workflow' | 'direct') => {
    const key = `${guide} ${kind}`;
    if (!sides.has(key)) sides.set(key, { times: [], calls: new Map() });
    return sides.get(key)!;
  };
  try {
    for (let round = 0; round <= rounds; round++) {
      const line: string[] = [];
      for (const guide of GUIDES) {
        // Alternate who goes first, so neither always meets a machine the other just warmed or loaded.
        const order = round % 2 ? (['direct', 'workflow'] as const) : (['workflow', 'direct'] as const);
        for (const kind of order) {
          counter.take();
          const ms = kind === 'workflow' ? await runWorkflow(bench, guide) : await runDirect(bench, guide, round);
          const calls = counter.take();
          if (round === 0) continue;
          side(guide, kind).times.push(ms);
          side(guide, kind).calls = calls;
          line.push(`${guide} ${kind} ${ms} ms`);
        }
      }
      console.log(round === 0 ? 'round 0: warm-up, not counted' : `round ${round}: ${line.join(', ')}`);
    }
  } finally {
    counter.stop();
    await bench.stop();
  }
  report(sides);
}

async function runWorkflow(bench: BenchSetup, guide: Guide): Promise<number> {
  const userId = newUserId('p1');
  const started = performance.now();
  await bench.client.workflow.execute(guide, { taskQueue: bench.taskQueue, workflowId: `${guide}-${userId}`, args: [guideInput(userId)] });
  return Math.round(performance.now() - started);
}

async function runDirect(bench: BenchSetup, guide: Guide, round: number): Promise<number> {
  const userId = newUserId('p1-direct');
  const started = performance.now();
  await DIRECT[guide]({
    baseUrl: bench.sandbox.url,
    clientId: SANDBOX_CLIENT_ID,
    apiKey: SANDBOX_API_KEY,
    userId,
    outDir: join(bench.scratch, 'direct', `${guide}-${round}`),
  });
  return Math.round(performance.now() - started);
}

function report(sides: Map<string, Side>): void {
  console.log(`\nP1: one run, sandbox ${MX_LATENCY_MS} ms per request and ${JOB_DURATION_MS} ms jobs; ${rounds} rounds after a warm-up.`);
  console.log(
    ['guide'.padEnd(17), 'workflow ms (median)'.padStart(21), 'direct ms (median)'.padStart(19), 'ratio'.padStart(6), '  goal'].join(' '),
  );
  for (const guide of GUIDES) {
    const workflow = median(side(guide, 'workflow').times);
    const direct = median(side(guide, 'direct').times);
    console.log(
      [
        guide.padEnd(17),
        String(workflow).padStart(21),
        String(direct).padStart(19),
        (workflow / direct).toFixed(2).padStart(6),
        '  <= 1.05',
      ].join(' '),
    );
  }
  for (const guide of GUIDES) {
    const workflow = side(guide, 'workflow').calls;
    const direct = side(guide, 'direct').calls;
    console.log(`\nMX calls of one ${guide} run (last round): workflow ${total(workflow)}, direct ${total(direct)}`);
    for (const route of new Set([...workflow.keys(), ...direct.keys()])) {
      const w = workflow.get(route) ?? 0;
      const d = direct.get(route) ?? 0;
      console.log(
        `  ${String(w).padStart(3)} ${String(d).padStart(3)}  ${route}${w > d ? `   (+${w - d} workflow)` : w < d ? `   (+${d - w} direct)` : ''}`,
      );
    }
  }

  function side(guide: Guide, kind: string): Side {
    return sides.get(`${guide} ${kind}`) ?? { times: [NaN], calls: new Map() };
  }
}

await main();
