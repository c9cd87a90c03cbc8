import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { defaultPayloadConverter, type SerializationContext } from '@temporalio/common';
import { EncryptionCodec } from '../../src/temporal/codec';
import { WorkerPayloadCodec } from '../../src/temporal/message-codec';
import { undecodableReason } from '../../workflows/undecodable';
import { badPayloads } from './fixtures/bad-payloads';

const workflow: SerializationContext = { type: 'workflow', namespace: 'default', workflowId: 'wf' };
const activity: SerializationContext = { type: 'activity', namespace: 'default', workflowId: 'wf', isLocal: false };
const encryption = new EncryptionCodec(randomBytes(32));
const codec = new WorkerPayloadCodec([encryption]);
const value = { answers: [{ guid: 'CRD-1', value: 'correct' }] };

describe('the worker codec', () => {
  it('turns each undecodable message payload into a marker that names the problem, not the content', async () => {
    const bad = await badPayloads(encryption, value);
    const reasons: Record<string, string | undefined> = {};
    for (const [kind, payload] of Object.entries(bad)) {
      const [decoded] = await codec.decode([payload], workflow);
      reasons[kind] = undecodableReason(defaultPayloadConverter.fromPayload(decoded!));
    }
    expect(reasons).toEqual({
      'unknown encoding': 'unknown payload encoding "binary/martian"',
      'invalid JSON': 'a json/plain payload that is not valid JSON',
      'corrupt ciphertext': expect.stringContaining('failed authentication'),
      'unknown key id': expect.stringContaining('which this process does not have'),
    });
  });

  it('decodes good payloads beside a bad one', async () => {
    const [good] = await encryption.encode([defaultPayloadConverter.toPayload(value)]);
    const bad = (await badPayloads(encryption, value))['unknown key id']!;
    const [first, second] = await codec.decode([good!, bad], workflow);
    expect(defaultPayloadConverter.fromPayload(first!)).toEqual(value);
    expect(undecodableReason(defaultPayloadConverter.fromPayload(second!))).toBeDefined();
  });

  it('still fails loudly on activity results and inputs', async () => {
    const bad = (await badPayloads(encryption, value))['corrupt ciphertext']!;
    await expect(codec.decode([bad], activity)).rejects.toThrow('failed authentication');
    await expect(codec.decode([bad])).rejects.toThrow('failed authentication');
  });
});
