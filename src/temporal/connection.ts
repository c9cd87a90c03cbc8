// Connects to Temporal exactly as the Temporal CLI would: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE,
// TEMPORAL_API_KEY, TEMPORAL_TLS*, TEMPORAL_PROFILE and the CLI's config file, via @temporalio/envconfig.
import { Client, Connection, type DataConverter } from '@temporalio/client';
import { loadClientConnectConfig } from '@temporalio/envconfig';
// Types only: @temporalio/worker (native bridge, webpack) takes most of a second to load, and only the
// worker needs it, so connectWorkerConnection loads it when called.
import type { NativeConnection, NativeConnectionOptions } from '@temporalio/worker';

export interface TemporalTarget {
  address: string;
  namespace: string;
  connectionOptions: NativeConnectionOptions;
}

export function temporalTarget(env: NodeJS.ProcessEnv = process.env): TemporalTarget {
  const overrideEnvVars = Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
  const config = loadClientConnectConfig({ profile: env.TEMPORAL_PROFILE, overrideEnvVars });
  const address = config.connectionOptions.address ?? 'localhost:7233';
  return {
    address,
    namespace: config.namespace ?? 'default',
    connectionOptions: { ...config.connectionOptions, address },
  };
}

/** True when the user pointed us at a Temporal server (so `npm start` must not run its own). */
export function temporalAddressConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.TEMPORAL_ADDRESS || env.TEMPORAL_PROFILE || env.TEMPORAL_CONFIG_FILE);
}

export async function connectClient(
  target: TemporalTarget,
  options: { dataConverter?: DataConverter; connectTimeoutMs?: number } = {},
): Promise<Client> {
  const { address, tls, apiKey, metadata } = target.connectionOptions;
  const connection = await Connection.connect({
    address,
    tls,
    apiKey,
    metadata,
    connectTimeout: options.connectTimeoutMs ?? 10_000,
  });
  return new Client({ connection, namespace: target.namespace, dataConverter: options.dataConverter });
}

export async function connectWorkerConnection(target: TemporalTarget): Promise<NativeConnection> {
  const { NativeConnection } = await import('@temporalio/worker');
  try {
    return await NativeConnection.connect(target.connectionOptions);
  } catch (err) {
    throw new TemporalUnreachableError(target, err);
  }
}

/** The server did not answer: says where we looked and how to point elsewhere, not the transport's internals. */
export class TemporalUnreachableError extends Error {
  override name = 'TemporalUnreachableError';
  constructor(target: TemporalTarget, cause: unknown) {
    const detail = /refused/i.test(String(cause)) ? 'connection refused' : String((cause as Error)?.message ?? cause).slice(0, 200);
    super(
      `Cannot reach Temporal at ${target.address} (namespace ${target.namespace}): ${detail}. ` +
        'Run `npm start` for a local server, or set TEMPORAL_ADDRESS (or TEMPORAL_PROFILE) to yours.',
      { cause },
    );
  }
}
