import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { defaultPayloadConverter } from '@temporalio/common';
import { loadConfig } from '../../src/config';
import { ENCRYPTED_ENCODING, EncryptionCodec, KEY_ID_METADATA } from '../../src/temporal/codec';
import { codecKeyPath, loadPayloadCodec } from '../../src/temporal/data-converter';

const input = { userId: 'alice', credentials: { username: 'mxuser', password: 'hunter2-secret' } };
const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? new Uint8Array()).toString('utf8');

describe('EncryptionCodec', () => {
  const codec = new EncryptionCodec(randomBytes(32));

  it('round-trips a payload and hides its contents and original encoding', async () => {
    const plain = defaultPayloadConverter.toPayload(input);
    const [encrypted] = await codec.encode([plain]);
    expect(text(encrypted!.metadata!.encoding)).toBe(ENCRYPTED_ENCODING);
    expect(text(encrypted!.metadata![KEY_ID_METADATA])).toBe(codec.keyId);
    expect(text(encrypted!.data)).not.toContain('hunter2-secret');
    expect(text(encrypted!.data)).not.toContain('json/plain');
    const [decoded] = await codec.decode([encrypted!]);
    expect(defaultPayloadConverter.fromPayload(decoded!)).toEqual(input);
  });

  it('encrypts the same payload differently each time (fresh IV)', async () => {
    const plain = defaultPayloadConverter.toPayload(input);
    const [a, b] = await codec.encode([plain, plain]);
    expect(Buffer.from(a!.data!).equals(Buffer.from(b!.data!))).toBe(false);
  });

  it('passes through payloads that are not encrypted, as from a plain `temporal workflow start`', async () => {
    const plain = defaultPayloadConverter.toPayload(input);
    const [decoded] = await codec.decode([plain]);
    expect(defaultPayloadConverter.fromPayload(decoded!)).toEqual(input);
  });

  it('rejects tampered ciphertext', async () => {
    const [encrypted] = await codec.encode([defaultPayloadConverter.toPayload(input)]);
    const data = Buffer.from(encrypted!.data!);
    data[20] = data[20]! ^ 0x01;
    await expect(codec.decode([{ ...encrypted!, data }])).rejects.toThrow(/failed authentication: it was altered/);
  });

  it('rejects a truncated payload', async () => {
    const [encrypted] = await codec.encode([defaultPayloadConverter.toPayload(input)]);
    await expect(codec.decode([{ ...encrypted!, data: Buffer.from(encrypted!.data!).subarray(0, 10) }])).rejects.toThrow(/truncated/);
  });

  it('names an unknown key id clearly and says how to fix it', async () => {
    const other = new EncryptionCodec(randomBytes(32));
    const [encrypted] = await other.encode([defaultPayloadConverter.toPayload(input)]);
    await expect(codec.decode([encrypted!])).rejects.toThrow(
      new RegExp(`key id "${other.keyId}", which this process does not have.*PAYLOAD_CODEC_KEY`),
    );
  });

  it('decrypts with a previous key after rotation and encrypts with the new one', async () => {
    const oldKey = randomBytes(32);
    const [old] = await new EncryptionCodec(oldKey).encode([defaultPayloadConverter.toPayload(input)]);
    const rotated = new EncryptionCodec(randomBytes(32), [oldKey]);
    expect(defaultPayloadConverter.fromPayload((await rotated.decode([old!]))[0]!)).toEqual(input);
    const [fresh] = await rotated.encode([defaultPayloadConverter.toPayload(input)]);
    expect(text(fresh!.metadata![KEY_ID_METADATA])).toBe(rotated.keyId);
  });
});

describe('loadPayloadCodec', () => {
  it('uses PAYLOAD_CODEC_KEY when set', async () => {
    const key = randomBytes(32).toString('base64');
    const dataDir = mkdtempSync(join(tmpdir(), 'codec-'));
    const a = await loadPayloadCodec(loadConfig({ PAYLOAD_CODEC_KEY: key, DATA_DIR: dataDir }));
    const b = new EncryptionCodec(Buffer.from(key, 'base64'));
    expect(a.keyId).toBe(b.keyId);
    expect(() => statSync(codecKeyPath(loadConfig({ DATA_DIR: dataDir })))).toThrow();
  });

  it('creates <dataDir>/codec.key with mode 0600 on first use and reuses it', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'codec-')), 'nested');
    const config = loadConfig({ DATA_DIR: dataDir });
    const first = await loadPayloadCodec(config);
    const path = codecKeyPath(config);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(Buffer.from(readFileSync(path, 'utf8').trim(), 'base64')).toHaveLength(32);
    expect((await loadPayloadCodec(config)).keyId).toBe(first.keyId);
  });

  it('rejects a damaged key file, naming the file but not its contents', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'codec-'));
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(dataDir, 'codec.key'), 'not-a-key-but-secretish');
    const failure = loadPayloadCodec(loadConfig({ DATA_DIR: dataDir }));
    await expect(failure).rejects.toThrow(/codec\.key must hold 32 bytes, base64-encoded/);
    await expect(failure).rejects.not.toThrow(/secretish/);
  });

  it('rejects an invalid PAYLOAD_CODEC_PREVIOUS_KEYS without echoing it', () => {
    expect(() => loadConfig({ PAYLOAD_CODEC_PREVIOUS_KEYS: 'abc' })).toThrow(/PAYLOAD_CODEC_PREVIOUS_KEYS: must be comma-separated/);
  });
});
