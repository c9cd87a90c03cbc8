// Runs the real Temporal dev server (`temporal server start-dev`) from the project's CLI install,
// and waits for it with a generous deadline instead of the SDK's fixed 5 seconds.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Connection } from '@temporalio/client';
import { requireTemporalCli } from '../../scripts/temporal-cli.mjs';
import { searchAttributeFlags } from '../../workflows/messages';
import { assertPortFree } from './ports';

export interface DevServerOptions {
  ip?: string;
  port: number;
  /** Web UI port; undefined runs headless. */
  uiPort?: number;
  /** SQLite file for persistence; undefined keeps everything in memory. */
  dbFilename?: string;
  /** Codec server the Web UI calls to decode payloads. */
  uiCodecEndpoint?: string;
  readyTimeoutMs?: number;
  /** Own process group, so a terminal's Ctrl-C reaches only the caller, which stops the server last. */
  detached?: boolean;
  /** Called as soon as the process exists, before it is ready: a caller interrupted meanwhile can stop it. */
  onSpawn?: (child: ChildProcess) => void;
  /** Where the server's own output goes; defaults to being dropped except on failure. */
  onOutput?: (line: string) => void;
  /** More dynamic config values (`key=value`), e.g. system.enableActivityEagerExecution=true (bench/concurrency.ts). */
  dynamicConfig?: readonly string[];
}

export interface DevServer {
  address: string;
  uiUrl: string | undefined;
  process: ChildProcess;
  stop(): Promise<void>;
}

export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const ip = options.ip ?? '127.0.0.1';
  await assertPortFree(options.port, ip, 'Temporal dev server', 'TEMPORAL_PORT');
  if (options.uiPort !== undefined) await assertPortFree(options.uiPort, ip, 'Temporal Web UI', 'TEMPORAL_UI_PORT');
  if (options.dbFilename) mkdirSync(dirname(options.dbFilename), { recursive: true });

  const args = [
    'server',
    'start-dev',
    '--ip',
    ip,
    '--port',
    String(options.port),
    '--namespace',
    'default',
    '--log-level',
    'warn',
    '--dynamic-config-value',
    'frontend.enableUpdateWorkflowExecution=true',
    '--dynamic-config-value',
    'frontend.enableUpdateWorkflowExecutionAsyncAccepted=true',
    '--dynamic-config-value',
    'frontend.enableExecuteMultiOperation=true',
    ...(options.dynamicConfig ?? []).flatMap((value) => ['--dynamic-config-value', value]),
    ...searchAttributeFlags(),
    ...(options.uiPort === undefined ? ['--headless'] : ['--ui-port', String(options.uiPort)]),
    ...(options.dbFilename ? ['--db-filename', options.dbFilename] : []),
    ...(options.uiCodecEndpoint ? ['--ui-codec-endpoint', options.uiCodecEndpoint] : []),
  ];
  const child = spawn(requireTemporalCli(), args, { stdio: ['ignore', 'pipe', 'pipe'], detached: options.detached ?? false });
  options.onSpawn?.(child);
  const recent: string[] = [];
  const collect = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
      recent.push(line);
      if (recent.length > 40) recent.shift();
      options.onOutput?.(line);
    }
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);

  const address = `${ip}:${options.port}`;
  const stop = () => stopProcess(child);
  try {
    await waitUntilServing(address, child, options.readyTimeoutMs ?? 90_000);
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\nLast server output:\n${recent.join('\n')}`);
  }
  return {
    address,
    uiUrl: options.uiPort === undefined ? undefined : `http://localhost:${options.uiPort}`,
    process: child,
    stop,
  };
}

async function waitUntilServing(address: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  child.once('exit', () => (exited = true));
  for (;;) {
    if (exited) throw new Error(`The Temporal dev server exited before it was ready (exit code ${child.exitCode}).`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 2_000 });
      try {
        await connection.workflowService.getSystemInfo({});
        // The namespace is created just after the frontend answers; wait for it too.
        await connection.workflowService.describeNamespace({ namespace: 'default' });
        return;
      } finally {
        await connection.close();
      }
    } catch {
      if (Date.now() > deadline) throw new Error(`The Temporal dev server at ${address} was not ready after ${timeoutMs} ms.`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/** SIGTERM, then SIGKILL after a grace period; resolves when the process is gone. */
export async function stopProcess(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
