// A real Temporal cluster on PostgreSQL, started the way docker-compose.yml starts it, in order:
// PostgreSQL, the project's deploy/temporal/setup-postgres.sh (databases + schemas), the server,
// the project's deploy/temporal/setup-namespace.sh (namespace + search attributes). Everything it
// starts stops with stop(), and with the test process if that ends first (children.ts).
import { execFile } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { promisify } from 'node:util';
import { requireTemporalCli } from '../../../scripts/temporal-cli.mjs';
import { type Postgres, POSTGRES_USER, startPostgres } from './postgres';
import { startTemporalServer, temporalServerBinDir, type TemporalServer } from './temporal-server';

export interface Cluster {
  /** TEMPORAL_ADDRESS of the frontend. */
  address: string;
  namespace: string;
  postgres: Postgres;
  server: TemporalServer;
  /** How long each step took, for the test's log line. */
  startupMs: { postgres: number; schema: number; server: number };
  stop(): Promise<void>;
}

const run = promisify(execFile);

export async function startCluster(options: { namespace?: string } = {}): Promise<Cluster> {
  const namespace = options.namespace ?? 'default';
  let postgres: Postgres | undefined;
  let server: TemporalServer | undefined;
  const stop = async () => {
    await server?.stop();
    await postgres?.stop();
  };
  try {
    let t = Date.now();
    postgres = await startPostgres();
    const postgresMs = Date.now() - t;

    t = Date.now();
    await setupPostgres(postgres);
    const schemaMs = Date.now() - t;

    t = Date.now();
    server = await startTemporalServer({ postgresHost: postgres.host, postgresPort: postgres.port });
    const running = server;
    const exited = new Promise<never>((_, reject) =>
      running.child.once('exit', (code, signal) =>
        reject(new Error(`The Temporal server exited (${code ?? signal}) while starting:\n${running.output()}`)),
      ),
    );
    exited.catch(() => undefined);
    const cliDir = dirname(requireTemporalCli());
    const env = {
      PATH: `${cliDir}:${process.env.PATH}`,
      HOME: process.env.HOME,
      TEMPORAL_ADDRESS: server.address,
      TEMPORAL_NAMESPACE: namespace,
    };
    await Promise.race([run('sh', [resolve('deploy/temporal/setup-namespace.sh')], { env, timeout: 240_000 }), exited]);
    const serverMs = Date.now() - t;
    return {
      address: server.address,
      namespace,
      postgres,
      server,
      startupMs: { postgres: postgresMs, schema: schemaMs, server: serverMs },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Runs deploy/temporal/setup-postgres.sh with the settings docker-compose.yml's temporal-schema service gives it (the password by env only). */
export async function setupPostgres(postgres: { host: string; port: number }): Promise<{ stdout: string; stderr: string }> {
  const database = { POSTGRES_SEEDS: postgres.host, DB_PORT: String(postgres.port), POSTGRES_USER, POSTGRES_PWD: 'temporal' };
  const env = { PATH: `${temporalServerBinDir()}:${process.env.PATH}`, ...database };
  return await run('sh', [resolve('deploy/temporal/setup-postgres.sh')], { env, timeout: 120_000 });
}
