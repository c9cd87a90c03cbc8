// `npm start`: the whole local system in the foreground — Temporal dev server (or another server),
// codec server, MX sandbox, worker and support page — until Ctrl-C or SIGTERM stops it in order.
import { join, resolve } from 'node:path';
import type { Client } from '@temporalio/client';
import { type Config, ConfigError, loadConfig, mxBaseUrl } from '../config';
import { type Child, describeExit, startChild } from '../start/child';
import { instructionLines, writeSampleInput } from '../start/instructions';
import { keepGoingWithoutOutput, writeLine } from '../start/output';
import { assertPortsFree, portsToBind } from '../start/ports';
import { ensureSearchAttributes } from '../start/search-attributes';
import { System } from '../start/system';
import { waitForPort, waitForWorker } from '../start/wait';
import { webhookEnv } from '../start/webhooks';
import { startCodecServer } from '../temporal/codec-server';
import { connectClient, temporalAddressConfigured, temporalTarget } from '../temporal/connection';
import { loadCodecServerCodec } from '../temporal/data-converter';
import { startDevServer, stopProcess } from '../temporal/dev-server';

const log = (line: string) => writeLine(`[start] ${line}`);
const print = writeLine;
const system = new System(log);
let exitCode = 0;

interface Temporal {
  address: string;
  namespace: string;
  client: Client;
  webUiUrl: string | undefined;
}

async function main(): Promise<void> {
  keepGoingWithoutOutput();
  const config = loadConfig();
  const remote = temporalAddressConfigured();
  const sandbox = !config.mx.baseUrl;
  await assertPortsFree(portsToBind(config, { devServer: !remote, sandbox, webhooks: sandbox || Boolean(config.webhooks.credentials) }));
  installSignalHandlers();

  const uiPort = config.temporal.uiPort;
  const codecServer = await startCodecServer({
    port: config.codec.port,
    codec: await loadCodecServerCodec(config),
    // The Web UI calls the codec server from the browser; Temporal Cloud's UI can use it too.
    corsOrigins: [`http://localhost:${uiPort}`, `http://127.0.0.1:${uiPort}`, 'https://cloud.temporal.io'],
  });
  system.add({ name: 'codec server', phase: 1, stop: () => codecServer.close(), kill: () => undefined });

  const temporal = remote ? await connectToConfiguredServer() : await startLocalServer(config, codecServer.url);
  const webhooks = webhookEnv(config, process.env, sandbox);
  const childEnv: NodeJS.ProcessEnv = remote
    ? { ...process.env, ...webhooks }
    : { ...process.env, TEMPORAL_ADDRESS: temporal.address, TEMPORAL_NAMESPACE: temporal.namespace, ...webhooks };

  if (webhooks) {
    const child = launch({ name: 'webhooks', title: 'webhook receiver' }, 'webhooks', childEnv, 1, 5_000);
    await waitForPort(child, config.webhooks.host, config.webhooks.port, 60_000);
  }

  if (sandbox) {
    const child = launch({ name: 'sandbox', title: 'MX sandbox' }, 'sandbox', childEnv, 1, 5_000);
    await waitForPort(child, config.sandbox.host, config.sandbox.port, 60_000);
  }
  const worker = launch({ name: 'worker', title: 'worker' }, 'worker', childEnv, 0, config.workerShutdownGraceMs + 5_000);
  await waitForWorker(worker, temporal.client, temporal.namespace, config.taskQueue, 180_000);
  const support = launch({ name: 'support', title: 'support page' }, 'support-web', childEnv, 1, 5_000);
  await waitForPort(support, config.supportWeb.host, config.supportWeb.port, 60_000);

  const inputFile = join(config.dataDir, sandbox ? 'sample-input.json' : 'input.json');
  if (sandbox) writeSampleInput(inputFile);
  for (const line of instructionLines({
    temporalAddress: temporal.address,
    webUiUrl: temporal.webUiUrl,
    codecUrl: codecServer.url,
    codecIsDefault: config.codec.port === 8234,
    addressIsDefault: remote || config.temporal.port === 7233,
    mxUrl: mxBaseUrl(config),
    sandbox,
    supportUrl: `http://${config.supportWeb.host}:${config.supportWeb.port}`,
    taskQueue: config.taskQueue,
    inputFile,
  })) {
    print(line);
  }
  log('Ready. Ctrl-C stops everything (the worker drains first); a second Ctrl-C forces.');
}

async function startLocalServer(config: Config, codecUrl: string): Promise<Temporal> {
  const dbFilename = resolve(config.dataDir, 'temporal.db');
  log(`Starting the Temporal dev server (data in ${dbFilename})…`);
  const server = await startDevServer({
    port: config.temporal.port,
    uiPort: config.temporal.uiPort,
    dbFilename,
    uiCodecEndpoint: codecUrl,
    detached: true,
    // Registered before it is ready, so a Ctrl-C while it boots stops it too.
    onSpawn: (child) => {
      system.add({ name: 'Temporal dev server', phase: 2, stop: () => stopProcess(child), kill: () => child.kill('SIGKILL') });
      child.once('exit', (code, signal) => unexpectedExit('Temporal dev server', describeExit({ code, signal })));
    },
    // Its shutdown is a burst of connection-refused warnings between its own services: not news.
    onOutput: (line) => system.isStopping || print(`[temporal] ${line}`),
  });
  const client = await connectClient({ address: server.address, namespace: 'default', connectionOptions: { address: server.address } });
  system.add({ name: 'Temporal client', phase: 1, stop: () => client.connection.close(), kill: () => undefined });
  return { address: server.address, namespace: 'default', client, webUiUrl: server.uiUrl };
}

async function connectToConfiguredServer(): Promise<Temporal> {
  const target = temporalTarget();
  log(`Using the Temporal server at ${target.address} (namespace ${target.namespace}); not starting one.`);
  const client = await connectClient(target).catch((err: Error) => {
    throw new Error(`Cannot reach the Temporal server at ${target.address}: ${err.message}`);
  });
  system.add({ name: 'Temporal client', phase: 1, stop: () => client.connection.close(), kill: () => undefined });
  const added = await ensureSearchAttributes(client.connection, target.namespace);
  if (added.length > 0) log(`Added the search attributes ${added.join(', ')} to namespace ${target.namespace}.`);
  return { address: target.address, namespace: target.namespace, client, webUiUrl: undefined };
}

/** Starts a project command as a part of the system; none starts once a stop has begun. */
function launch(names: { name: string; title: string }, command: string, env: NodeJS.ProcessEnv, phase: 0 | 1, graceMs: number): Child {
  if (system.isStopping) throw new StopRequested();
  const child = startChild(names, command, env, print);
  system.add({ name: child.title, phase, stop: () => child.stop(graceMs), kill: () => child.kill() });
  void child.exited.then((exit) => unexpectedExit(child.title, describeExit(exit)));
  return child;
}

class StopRequested extends Error {}

function unexpectedExit(name: string, how: string): void {
  if (system.isStopping) return;
  log(`The ${name} stopped unexpectedly (${how}); stopping everything.`);
  void shutdown(1);
}

// One Ctrl-C can arrive twice (the terminal signals the whole group and a wrapper such as tsx or
// timeout relays it), so only a signal this long after the first one means "force".
const FORCE_AFTER_MS = 1_000;

function installSignalHandlers(): void {
  let firstSignalAt: number | undefined;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      if (firstSignalAt === undefined) {
        firstSignalAt = Date.now();
        log(`${signal}: stopping (the worker drains first). Press Ctrl-C again to force.`);
        if (!system.isStopping) void shutdown(0);
        return;
      }
      if (Date.now() - firstSignalAt < FORCE_AFTER_MS) return;
      log(`${signal} again: killing everything now.`);
      system.kill();
      process.exit(130);
    });
  }
}

async function shutdown(code: number): Promise<void> {
  exitCode = Math.max(exitCode, code);
  await system.stop();
  log('Stopped.');
  process.exit(exitCode);
}

main().catch(async (err: unknown) => {
  // Interrupted start-up: the stop under way reports and exits.
  if (err instanceof StopRequested || system.isStopping) return;
  // Config errors list every variable at fault in one message; nothing has started yet.
  const message = err instanceof ConfigError ? err.message : `npm start failed: ${(err as Error).message}`;
  console.error(message);
  await shutdown(err instanceof ConfigError ? 2 : 1);
});
