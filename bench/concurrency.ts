// P2 of issue 15: one worker process under many runs. Against the sandbox (50 ms per request, 3 s jobs) and
// the dev server, with one worker as production runs it (bench/lib/setup.ts), printed side by side:
//   (a) workflow tasks per fetchAccountData run without MFA (WorkflowTaskCompleted events in its history),
//   (b) one run alone against N at once: makespan ÷ one run, p50/p95 of the runs' own times,
//   (c) the worker's peak RSS (VmHWM) while M runs are in flight, and what it was made of
//       (process.memoryUsage() sampled in the worker by bench/lib/memory-probe.mjs).
// Run: npx tsx bench/concurrency.ts [n] [inFlight]   (defaults 200 and 500)
// The worker's tuning variables (README "Worker tuning") pass through from this environment, and
// so do MALLOC_ARENA_MAX and BENCH_WORKER_NODE_ARGS (Node/V8 flags for the worker, e.g. --max-semi-space-size=4);
// BENCH_EAGER_ACTIVITIES=1 turns on the dev server's eager activity dispatch. So each setting is one run.
import { writeFile } from 'node:fs/promises';
import type { Client } from '@temporalio/client';
import { CONFIG_VARIABLES } from '../src/config';
import { guideInput, JOB_DURATION_MS, median, MX_LATENCY_MS, newUserId, quantile, startBench } from './lib/setup';

const [n, inFlight] = [Number(process.argv[2] ?? 200), Number(process.argv[3] ?? 500)];
if (![n, inFlight].every((v) => Number.isInteger(v) && v >= 1)) {
  console.error(`Usage: npx tsx bench/concurrency.ts [n] [inFlight]   (positive integers; got ${process.argv.slice(2).join(' ')})`);
  process.exit(2);
}

/** Worker settings taken from this environment: the WORKER_* tuning variables src/config.ts reads. */
const workerEnv = Object.fromEntries(
  [...CONFIG_VARIABLES.filter((name) => name.startsWith('WORKER_')), 'MALLOC_ARENA_MAX']
    .filter((name) => process.env[name])
    .map((name) => [name, process.env[name]!]),
);
const eager = process.env.BENCH_EAGER_ACTIVITIES === '1';

interface Sample {
  thread: number;
  rss: number;
  heapTotal: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

/** The main thread's sample with the highest RSS, and each other thread's heap at that moment. */
interface Peak {
  main: Sample;
  threads: Sample[];
}

async function main(): Promise<void> {
  const bench = await startBench({
    workerEnv,
    workerNodeArgs: [
      ...(process.env.BENCH_WORKER_NODE_ARGS ?? '').split(' ').filter(Boolean),
      '--import',
      new URL('./lib/memory-probe.mjs', import.meta.url).pathname,
    ],
    dynamicConfig: eager ? ['system.enableActivityEagerExecution=true'] : [],
  });
  let peak: Peak | undefined;
  let sampling = false;
  const latest = new Map<number, Sample>();
  bench.worker.child.stderr!.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) {
      if (!sampling || !line.startsWith('memory-probe ')) continue;
      const m = JSON.parse(line.slice('memory-probe '.length)) as Sample;
      latest.set(m.thread, m);
      if (m.thread === 0 && (!peak || m.rss > peak.main.rss))
        peak = { main: m, threads: [...latest.values()].filter((t) => t.thread !== 0) };
    }
  });
  const run = runner(bench.client, bench.taskQueue);
  try {
    await run(); // warm-up: the worker's first workflow task loads the bundle
    const alone = await run();
    const started = performance.now();
    const many = await Promise.all(Array.from({ length: n }, run));
    const makespan = Math.round(performance.now() - started);

    await resetPeak(bench.worker.child.pid!);
    sampling = true;
    const before = await bench.worker.memory();
    const flightStarted = performance.now();
    const flight = await Promise.all(Array.from({ length: inFlight }, run));
    const flightMakespan = Math.round(performance.now() - flightStarted);
    const after = await bench.worker.memory();
    sampling = false;

    const tasks = [alone, ...many].map((r) => r.tasks);
    const times = many.map((r) => r.ms);
    const mb = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MB`;
    const settings = Object.entries(workerEnv).map(([k, v]) => `${k}=${v}`);
    if (eager) settings.push('eager activities');
    if (process.env.BENCH_WORKER_NODE_ARGS) settings.push(`node ${process.env.BENCH_WORKER_NODE_ARGS}`);
    console.log(`\nP2: fetchAccountData runs, one worker process, sandbox ${MX_LATENCY_MS} ms per request and ${JOB_DURATION_MS} ms jobs.`);
    console.log(`Worker settings: ${settings.length ? settings.join(' ') : 'defaults'}`);
    console.log(['measure'.padEnd(52), 'now'.padStart(16), 'goal'.padStart(10)].join(' '));
    const row = (what: string, value: string, goal: string) =>
      console.log([what.padEnd(52), value.padStart(16), goal.padStart(10)].join(' '));
    row('(a) workflow tasks per run, median (max)', `${median(tasks)} (${Math.max(...tasks)})`, '<= 4');
    row(`(b) ${n} at once: makespan / one run alone`, `${(makespan / alone.ms).toFixed(1)}x`, '<= 8x');
    row(`    one run alone; makespan of ${n}`, `${alone.ms} / ${makespan} ms`, '');
    row(`    p50 / p95 of the ${n} runs`, `${quantile(times, 0.5)} / ${quantile(times, 0.95)} ms`, '');
    row(`(c) worker peak RSS, ${inFlight} in flight (VmHWM)`, `${after.peakMb} MB`, '< 300 MB');
    row(`    RSS before; makespan of ${inFlight}`, `${before.rssMb} MB / ${flightMakespan} ms`, '');
    if (peak) {
      const { main: m, threads } = peak;
      const threadHeaps = threads.reduce((sum, t) => sum + t.heapTotal, 0);
      row('    at the sampled peak: RSS', mb(m.rss), '');
      row('      main thread V8 heap used / total', `${mb(m.heapUsed)} / ${mb(m.heapTotal)}`, '');
      for (const t of threads)
        row(`      thread ${t.thread} (workflows) V8 heap used / total`, `${mb(t.heapUsed)} / ${mb(t.heapTotal)}`, '');
      row('      external (of which array buffers)', `${mb(m.external)} (${mb(m.arrayBuffers)})`, '');
      row('      rest: Rust core, allocator, code', mb(m.rss - m.heapTotal - threadHeaps - m.external), '');
    }
    row(
      `    p95 of the ${inFlight} runs`,
      `${quantile(
        flight.map((r) => r.ms),
        0.95,
      )} ms`,
      '',
    );
    if (process.env.BENCH_JSON)
      await writeFile(
        process.env.BENCH_JSON,
        JSON.stringify({ workerEnv, eager, tasks, alone, makespan, times, peakMb: after.peakMb, peak }),
      );
  } finally {
    await bench.stop();
  }
}

/** Starts one run with a fresh user, waits for it, and counts its workflow tasks. */
function runner(client: Client, taskQueue: string) {
  return async (): Promise<{ ms: number; tasks: number }> => {
    const userId = newUserId('p2');
    const started = performance.now();
    const handle = await client.workflow.start('fetchAccountData', {
      taskQueue,
      workflowId: `fetchAccountData-${userId}`,
      args: [guideInput(userId)],
    });
    await handle.result();
    const ms = Math.round(performance.now() - started);
    const history = await handle.fetchHistory();
    const tasks = (history.events ?? []).filter((e) => e.workflowTaskCompletedEventAttributes).length;
    return { ms, tasks };
  };
}

/** Resets the worker's VmHWM to its current RSS (Linux clear_refs 5), so the peak is this phase's. */
async function resetPeak(pid: number): Promise<void> {
  try {
    await writeFile(`/proc/${pid}/clear_refs`, '5');
  } catch (error) {
    console.error(`Could not reset the worker's peak RSS (${(error as Error).message}); the peak counts the earlier phase too.`);
  }
}

await main();
