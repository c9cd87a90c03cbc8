// A throwaway PostgreSQL 15 (Debian's `postgresql-15`, installed by scripts/install-system-deps.sh) in a
// temporary folder on a free loopback port, with trust authentication: what docker-compose.yml's
// `postgresql` service is, without Docker. As root it runs as the `postgres` user (PostgreSQL refuses
// to run as root).
import { execFileSync } from 'node:child_process';
import { accessSync, chownSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../../src/temporal/ports';
import { spawnOwned, stopChild, waitForOutput } from './children';

/** The major version docker-compose.yml's postgres image runs; test/deploy/compose.test.ts keeps them equal. */
export const POSTGRES_MAJOR = 15;
export const POSTGRES_USER = 'temporal';

export interface Postgres {
  host: string;
  port: number;
  stop(): Promise<void>;
}

export function postgresBinDir(): string {
  const dir = process.env.POSTGRES_BIN_DIR ?? `/usr/lib/postgresql/${POSTGRES_MAJOR}/bin`;
  try {
    accessSync(join(dir, 'postgres'), constants.X_OK);
  } catch {
    throw new Error(
      `PostgreSQL ${POSTGRES_MAJOR} is not installed (no ${dir}/postgres): run scripts/install-system-deps.sh, or set POSTGRES_BIN_DIR.`,
    );
  }
  return dir;
}

/** The user and group PostgreSQL runs as: ours, or `postgres` when we are root. */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    throw new Error(
      'PostgreSQL cannot run as root and there is no `postgres` user: install postgresql-15 (scripts/install-system-deps.sh) or run as another user.',
    );
  }
}

export async function startPostgres(): Promise<Postgres> {
  const bin = postgresBinDir();
  const user = runAs();
  const dir = mkdtempSync(join(tmpdir(), 'mx-cluster-pg-'));
  if (user) chownSync(dir, user.uid, user.gid);
  const dataDir = join(dir, 'data');
  execFileSync(join(bin, 'initdb'), ['-D', dataDir, '-U', POSTGRES_USER, '--auth=trust', '--no-sync', '-E', 'UTF8'], {
    ...user,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const port = await freePort();
  const host = '127.0.0.1';
  // fsync off: a throwaway database; the test is about Temporal and the workers, not PostgreSQL's durability.
  const settings = ['-p', String(port), '-k', dir, '-c', `listen_addresses=${host}`, '-c', 'fsync=off', '-c', 'max_connections=200'];
  // SIGQUIT is PostgreSQL's immediate shutdown: the postmaster takes its backends down with it.
  const server = spawnOwned(join(bin, 'postgres'), ['-D', dataDir, ...settings], {
    ...user,
    stdio: ['ignore', 'pipe', 'pipe'],
    killSignal: 'SIGQUIT',
  });
  await waitForOutput(server, 'database system is ready to accept connections', 'PostgreSQL', 60_000);
  server.stdout!.resume();
  server.stderr!.resume();
  return {
    host,
    port,
    async stop() {
      // SIGINT: fast shutdown (backends end, no waiting for clients).
      await stopChild(server, 'SIGINT', 20_000);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
