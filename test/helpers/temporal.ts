// Shared pieces for tests that run on the real dev server started by test/global-setup.ts.
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';

export interface TemporalTestContext {
  address: string;
  client: Client;
  nativeConnection: NativeConnection;
  close(): Promise<void>;
}

export async function connectToTestServer(): Promise<TemporalTestContext> {
  const address = inject('temporalAddress');
  const connection = await Connection.connect({ address });
  const nativeConnection = await NativeConnection.connect({ address });
  return {
    address,
    client: new Client({ connection }),
    nativeConnection,
    async close() {
      await nativeConnection.close();
      await connection.close();
    },
  };
}

/** Unique per test so that tests never pick up each other's tasks. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

export function workflowBundlePath(): string {
  const path = inject('workflowBundlePath');
  if (!path) throw new Error('No workflow bundle: workflows/index.ts does not exist yet.');
  return path;
}
