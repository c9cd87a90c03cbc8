import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { temporal } from '@temporalio/proto';
import { SEARCH_ATTRIBUTES } from '../../workflows/messages';
import { startDevServer } from '../../src/temporal/dev-server';
import { freePort } from '../../src/temporal/ports';
import { connectToTestServer, type TemporalTestContext } from '../helpers/temporal';

const { IndexedValueType } = temporal.api.enums.v1;

describe('Temporal dev server from the project-local CLI', () => {
  let ctx: TemporalTestContext;
  beforeAll(async () => {
    ctx = await connectToTestServer();
  });
  afterAll(async () => ctx?.close());

  it('registers every custom search attribute the workflows use, with its type', async () => {
    const { customAttributes } = await ctx.client.connection.operatorService.listSearchAttributes({ namespace: 'default' });
    const registered = Object.keys(customAttributes ?? {});
    for (const key of SEARCH_ATTRIBUTES) expect(registered).toContain(key.name);
    expect(customAttributes?.MxAwaitingMfa).toBe(IndexedValueType.INDEXED_VALUE_TYPE_BOOL);
    expect(customAttributes?.MxStep).toBe(IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
  });

  it('refuses to start on a port that is in use, naming the port and the variable to change', async () => {
    const taken = Number(ctx.address.split(':')[1]);
    await expect(startDevServer({ port: taken })).rejects.toThrow(
      new RegExp(`Port ${taken} on 127.0.0.1 is already in use.*TEMPORAL_PORT`),
    );
  });

  it('persists to the SQLite file it is given and stops cleanly', async () => {
    const { mkdtempSync, existsSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const db = join(mkdtempSync(join(tmpdir(), 'tdb-')), 'dev.db');
    const server = await startDevServer({ port: await freePort(), dbFilename: db });
    expect(existsSync(db)).toBe(true);
    await server.stop();
    expect(server.process.exitCode !== null || server.process.signalCode !== null).toBe(true);
  });
});
