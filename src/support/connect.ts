// The support tool's Temporal client: the Temporal CLI's connection settings and the project's payload
// codec, so the tool reads encrypted challenges and sends encrypted answers like the worker expects.
import type { Client } from '@temporalio/client';
import { ConfigError, loadConfig } from '../config';
import { connectClient, temporalTarget } from '../temporal/connection';
import { loadDataConverter } from '../temporal/data-converter';
import { SupportError, toSupportError } from './errors';

export interface SupportClient {
  client: Client;
  address: string;
  close(): Promise<void>;
}

export async function connectSupportClient(env: NodeJS.ProcessEnv = process.env, connectTimeoutMs = 5_000): Promise<SupportClient> {
  let target;
  let dataConverter;
  try {
    target = temporalTarget(env);
    dataConverter = await loadDataConverter(loadConfig(env));
  } catch (err) {
    const message = err instanceof ConfigError ? err.message.replace(/\n\s*/g, ' ') : (err as Error).message;
    throw new SupportError('bad-input', message.split('\n')[0]!);
  }
  try {
    const client = await connectClient(target, { dataConverter, connectTimeoutMs });
    return { client, address: target.address, close: () => client.connection.close() };
  } catch (err) {
    const problem = toSupportError(err);
    if (problem.kind !== 'unreachable') throw problem;
    throw new SupportError(
      'unreachable',
      `Cannot reach the Temporal server at ${target.address}: is it running? TEMPORAL_ADDRESS selects another one.`,
    );
  }
}
