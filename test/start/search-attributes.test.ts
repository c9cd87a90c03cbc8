import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { msToTs } from '@temporalio/common/lib/time';
import proto from '@temporalio/proto';
import { ensureSearchAttributes } from '../../src/start/search-attributes';
import { SEARCH_ATTRIBUTES } from '../../workflows/messages';
import { connectToTestServer, type TemporalTestContext, uniqueName } from '../helpers/temporal';

const { IndexedValueType } = proto.temporal.api.enums.v1;

describe('ensureSearchAttributes on a server npm start did not create', () => {
  let ctx: TemporalTestContext;
  beforeAll(async () => {
    ctx = await connectToTestServer();
  });
  afterAll(async () => ctx?.close());

  it('adds the missing ones to a fresh namespace, then finds nothing to add', async () => {
    const namespace = uniqueName('sa');
    await ctx.client.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('1 day') });
    const before = await ctx.client.connection.operatorService.listSearchAttributes({ namespace });
    const missing = SEARCH_ATTRIBUTES.map((k) => k.name).filter((name) => !(name in (before.customAttributes ?? {})));
    expect(missing.length).toBeGreaterThan(0);

    expect(await ensureSearchAttributes(ctx.client.connection, namespace)).toEqual(missing);
    const { customAttributes } = await ctx.client.connection.operatorService.listSearchAttributes({ namespace });
    expect(customAttributes?.MxAwaitingMfa).toBe(IndexedValueType.INDEXED_VALUE_TYPE_BOOL);
    expect(customAttributes?.MxUserId).toBe(IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
    expect(await ensureSearchAttributes(ctx.client.connection, namespace)).toEqual([]);
  });

  it('says what to run when the server refuses to add them', async () => {
    const refusing = {
      operatorService: {
        listSearchAttributes: async () => ({ customAttributes: { MxUserId: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD } }),
        addSearchAttributes: async () => {
          throw new Error('7 PERMISSION_DENIED: Request unauthorized.');
        },
      },
    } as unknown as Parameters<typeof ensureSearchAttributes>[0];
    const failure = ensureSearchAttributes(refusing, 'prod');
    await expect(failure).rejects.toThrow(
      /Namespace prod lacks the search attributes MxUserGuid, .*MxAwaitingMfa, and adding them failed: 7 PERMISSION_DENIED/,
    );
    await expect(failure).rejects.toThrow(
      'npm run temporal -- operator search-attribute create --namespace prod --name MxAwaitingMfa --type Bool',
    );
    await expect(failure).rejects.not.toThrow(/--name MxUserId /);
  });

  it('refuses an attribute that exists with another type', async () => {
    const clashing = {
      operatorService: {
        listSearchAttributes: async () => ({ customAttributes: { MxAwaitingMfa: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD } }),
      },
    } as unknown as Parameters<typeof ensureSearchAttributes>[0];
    await expect(ensureSearchAttributes(clashing, 'prod')).rejects.toThrow(/MxAwaitingMfa \(expected Bool\) with another type/);
  });
});
