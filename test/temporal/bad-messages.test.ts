// Issue 11: a start input, signal or update the worker cannot decode never stalls a run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type WorkflowHandle, WorkflowUpdateFailedError } from '@temporalio/client';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { CodecChain } from '../../src/temporal/codec-chain';
import { loadDataConverter, loadPayloadCodec } from '../../src/temporal/data-converter';
import { FAILURE_TYPES } from '../../src/failures/catalogue';
import { answerMfaUpdate, mfaAnswersSignal, type Progress } from '../../workflows/messages';
import { awaitingMfa, failureOf, waitForProgress } from '../workflows/guide-env';
import { BAD_PAYLOAD_KINDS, type BadPayloadKind, badPayloads } from './fixtures/bad-payloads';
import { type SealedGuideEnv, startSealedGuideEnv } from './helpers/sealed-guide-env';

/** Sends `kind` in place of every start input or MFA answer payload; everything else as the project does. */
async function codecSending(env: SealedGuideEnv, kind: BadPayloadKind): Promise<PayloadCodec> {
  const chain = new CodecChain((await loadDataConverter(env.config)).payloadCodecs!);
  const encryption = await loadPayloadCodec(env.config);
  const text = (p: Payload) => Buffer.from(p.data ?? []).toString('utf8');
  return {
    async encode(payloads) {
      const encoded: Payload[] = [];
      for (const p of payloads) {
        const message = /"(answers|userId)"/.test(text(p));
        encoded.push(message ? (await badPayloads(encryption, JSON.parse(text(p))))[kind] : (await chain.encode([p]))[0]!);
      }
      return encoded;
    },
    decode: (payloads) => chain.decode(payloads),
  };
}

async function workflowTaskFailures(handle: WorkflowHandle): Promise<number> {
  const history = await handle.fetchHistory();
  return history.events!.filter((e) => e.workflowTaskFailedEventAttributes).length;
}

describe('a bad message never stalls a run', () => {
  let env: SealedGuideEnv;
  beforeAll(async () => {
    env = await startSealedGuideEnv();
  });
  afterAll(async () => env?.close());

  it('ignores and counts bad signals, rejects bad updates with a reason, then completes on a correct answer', async () => {
    const handle = await env.start('fetchAccountData', 'challenge');
    const waiting = await waitForProgress(handle, awaitingMfa);
    const guid = waiting.mfa.challenges[0]!.guid;
    const answers = { answers: [{ guid, value: 'correct' }] };

    const rejections: Record<string, string> = {};
    for (const kind of BAD_PAYLOAD_KINDS) {
      const bad = env.clientWith({ payloadCodecs: [await codecSending(env, kind)] }).workflow.getHandle(handle.workflowId);
      await bad.signal(mfaAnswersSignal, answers);
      const rejected = await bad.executeUpdate(answerMfaUpdate, { args: [answers] }).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(rejected, kind).toBeInstanceOf(WorkflowUpdateFailedError);
      rejections[kind] = (rejected as WorkflowUpdateFailedError).cause?.message ?? '';
    }
    expect(rejections).toEqual({
      'unknown encoding': expect.stringContaining('could not be decoded (unknown payload encoding "binary/martian")'),
      'invalid JSON': expect.stringContaining('could not be decoded (a json/plain payload that is not valid JSON)'),
      'corrupt ciphertext': expect.stringContaining('failed authentication'),
      'unknown key id': expect.stringContaining('which this process does not have'),
    });

    const counted: Progress = await waitForProgress(handle, (p) => p.mfa.undecodableSignals === BAD_PAYLOAD_KINDS.length);
    expect(counted.mfa.awaiting).toBe(true);
    expect(counted.mfa.round).toBe(1);

    const good = env.client.workflow.getHandle(handle.workflowId);
    const tooLong = { answers: [{ guid, value: 'x'.repeat(2048) }] };
    await expect(good.executeUpdate(answerMfaUpdate, { args: [tooLong] })).rejects.toMatchObject({
      cause: { message: `The answer to challenge ${guid} must be at most 1024 bytes.` },
    });
    const result = await good.executeUpdate(answerMfaUpdate, { args: [answers] });
    expect(result.outcome).toBe('CONNECTED');
    await expect(handle.result()).resolves.toMatchObject({ member: { connectionStatus: 'CONNECTED' } });
    expect(await workflowTaskFailures(handle)).toBe(0);
  });

  it.each(BAD_PAYLOAD_KINDS)('fails a run whose start input is bad (%s) at once as INVALID_INPUT', async (kind) => {
    const started = Date.now();
    const handle = await env.clientWith({ payloadCodecs: [await codecSending(env, kind)] }).workflow.start('fetchAccountData', {
      taskQueue: env.taskQueue,
      workflowId: `bad-input-${kind.replace(/ /g, '-')}-${started}`,
      args: [{ userId: 'bad-input', institutionCode: 'mxbank', credentials: { username: 'mxuser', password: 'password' } }],
    });
    const failure = await failureOf(handle);
    expect(failure.type).toBe(FAILURE_TYPES.invalidInput);
    expect(failure.message).toContain('could not be decoded');
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await workflowTaskFailures(handle)).toBe(0);
  });
});
