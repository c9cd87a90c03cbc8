// The Temporal server itself (not the dev server), built from source by scripts/install-temporal-server.sh,
// run as docker-compose.yml's `temporal` service runs its image: `temporal-server start` with the
// configuration the server renders from its environment, and that environment taken from the compose
// file. Only what must differ on a shared machine without Docker is overridden: the PostgreSQL address,
// loopback binding, free ports (membership ports below 32768), and the dynamic config file's path.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { accessSync, constants } from 'node:fs';
import { parse } from 'yaml';
import { freePort } from '../../../src/temporal/ports';
import { type ChildProcess } from 'node:child_process';
import { spawnOwned, stopChild } from './children';
import { freeLowPorts } from './low-ports';

/** The release scripts/install-temporal-server.sh builds and docker-compose.yml's images run. */
export const TEMPORAL_SERVER_VERSION = 'v1.32.2';

export function temporalServerBinDir(): string {
  const cache = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  const dir = join(
    process.env.TEMPORAL_SERVER_DIR || join(cache, 'mx-temporal-guides', `temporal-server-${TEMPORAL_SERVER_VERSION}`),
    'bin',
  );
  for (const binary of ['temporal-server', 'temporal-sql-tool']) {
    try {
      accessSync(join(dir, binary), constants.X_OK);
    } catch {
      throw new Error(
        `No Temporal server build at ${dir}/${binary}: run scripts/install-temporal-server.sh (it builds ${TEMPORAL_SERVER_VERSION} once, 6-12 minutes).`,
      );
    }
  }
  return dir;
}

/** docker-compose.yml's environment for `service`, with `${VAR:-default}` read as compose reads it when VAR is unset. */
export function composeEnvironment(service: string): Record<string, string> {
  const compose = parse(readFileSync(resolve('docker-compose.yml'), 'utf8'), { merge: true }) as {
    services: Record<string, { environment?: Record<string, string | number> }>;
  };
  const environment = compose.services[service]?.environment;
  if (!environment) throw new Error(`docker-compose.yml has no environment for service ${service}`);
  return Object.fromEntries(
    Object.entries(environment).map(([name, value]) => [
      name,
      String(value).replace(/\$\{\w+:-([^}]*)\}/g, (_, fallback: string) => fallback),
    ]),
  );
}

export interface TemporalServer {
  /** host:port of the frontend, for TEMPORAL_ADDRESS. */
  address: string;
  child: ChildProcess;
  /** The server's last lines of output, for a failure message. */
  output(): string;
  stop(): Promise<void>;
}

export async function startTemporalServer(options: { postgresHost: string; postgresPort: number }): Promise<TemporalServer> {
  const bin = temporalServerBinDir();
  const [frontendMembership, historyMembership, matchingMembership, workerMembership] = await freeLowPorts(4);
  const grpc = {
    frontend: await freePort(),
    history: await freePort(),
    matching: await freePort(),
    worker: await freePort(),
    http: await freePort(),
  };
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    ...composeEnvironment('temporal'),
    POSTGRES_SEEDS: options.postgresHost,
    DB_PORT: String(options.postgresPort),
    BIND_ON_IP: '127.0.0.1',
    DYNAMIC_CONFIG_FILE_PATH: resolve('deploy/temporal/dynamicconfig/development-sql.yaml'),
    FRONTEND_GRPC_PORT: String(grpc.frontend),
    FRONTEND_HTTP_PORT: String(grpc.http),
    HISTORY_GRPC_PORT: String(grpc.history),
    MATCHING_GRPC_PORT: String(grpc.matching),
    WORKER_GRPC_PORT: String(grpc.worker),
    FRONTEND_MEMBERSHIP_PORT: String(frontendMembership),
    HISTORY_MEMBERSHIP_PORT: String(historyMembership),
    MATCHING_MEMBERSHIP_PORT: String(matchingMembership),
    WORKER_MEMBERSHIP_PORT: String(workerMembership),
    LOG_LEVEL: process.env.TEMPORAL_SERVER_LOG_LEVEL ?? 'warn',
  };
  // As the image's entrypoint runs it: no config file, so the server renders its embedded template from env.
  const child = spawnOwned(join(bin, 'temporal-server'), ['start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (d: Buffer) => void (output = (output + d.toString()).slice(-20_000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  return {
    address: `127.0.0.1:${grpc.frontend}`,
    child,
    output: () => output,
    stop: () => stopChild(child, 'SIGTERM', 20_000),
  };
}
