// Readiness checks that watch the real thing (a port that accepts, a worker that polls) rather than
// parse another command's log lines.
import { connect } from 'node:net';
import type { Client } from '@temporalio/client';
import { describeExit, type Child } from './child';

const POLL_MS = 200;

/** Resolves once host:port accepts TCP connections; rejects if the child exits first or time runs out. */
export async function waitForPort(child: Child, host: string, port: number, timeoutMs: number): Promise<void> {
  // A server bound to every interface is reachable on loopback.
  const target = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  await waitFor(child, `the ${child.title} to listen on ${host}:${port}`, timeoutMs, () => accepts(target, port));
}

/** Resolves once the worker process polls the task queue (its default identity starts with its pid). */
export async function waitForWorker(child: Child, client: Client, namespace: string, taskQueue: string, timeoutMs: number): Promise<void> {
  await waitFor(child, `the worker to poll task queue "${taskQueue}"`, timeoutMs, async () => {
    const { pollers } = await client.workflowService.describeTaskQueue({
      namespace,
      taskQueue: { name: taskQueue },
    });
    return (pollers ?? []).some((poller) => poller.identity?.startsWith(`${child.pid}@`));
  });
}

async function waitFor(child: Child, what: string, timeoutMs: number, ready: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exit: string | undefined;
  void child.exited.then((e) => (exit = describeExit(e)));
  for (;;) {
    if (exit) throw new Error(`The ${child.title} exited (${exit}) before it was ready; its output is above.`);
    if (await ready().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`Gave up waiting for ${what} after ${timeoutMs / 1000} s; its output is above.`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
