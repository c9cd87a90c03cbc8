import { mkdtempSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ApplicationFailure, defaultPayloadConverter, type Payload } from '@temporalio/common';
import { openSecret } from '../../activities/secrets';
import { loadConfig } from '../../src/config';
import { Opener, publicKeyOf, Sealer } from '../../src/temporal/seal';
import { loadOpener, loadSealer, sealKeyPath, sealPublicKeyPath } from '../../src/temporal/seal-keys';
import { SealingCodec } from '../../src/temporal/sealing-codec';
import { FAILURE_TYPES } from '../../src/failures/catalogue';
import { MAX_SECRET_BYTES, sealedKeyId, secretBytes, secretProblem } from '../../workflows/secret-values';

const text = (payload: Payload | undefined) => Buffer.from(payload?.data ?? new Uint8Array()).toString('utf8');

describe('sealing', () => {
  const privateKey = randomBytes(32);
  const sealer = new Sealer(publicKeyOf(privateKey));

  it('seals so that only the private key opens, with a fresh ciphertext each time', () => {
    const sealed = sealer.seal('hunter2-pässword');
    expect(sealed).toMatch(new RegExp(`^sealed:v1:${sealer.keyId}:[A-Za-z0-9_-]+$`));
    expect(sealed).not.toContain('hunter2');
    expect(sealer.seal('hunter2-pässword')).not.toBe(sealed);
    expect(new Opener([privateKey]).open(sealed)).toBe('hunter2-pässword');
    expect(sealer.seal(sealed)).toBe(sealed);
  });

  it('opens values sealed for a previous key after a rotation, and names a key it does not hold', () => {
    const newKey = randomBytes(32);
    const old = sealer.seal('before-rotation');
    expect(new Opener([newKey, privateKey]).open(old)).toBe('before-rotation');
    expect(() => new Opener([newKey]).open(old)).toThrow(`key id "${sealer.keyId}", which this worker does not hold`);
  });

  it('refuses a sealed value that was altered', () => {
    const sealed = sealer.seal('correct');
    const last = sealed.at(-2) === 'A' ? 'B' : 'A';
    const altered = `${sealed.slice(0, -2)}${last}${sealed.at(-1)}`;
    expect(() => new Opener([privateKey]).open(altered)).toThrow('failed authentication');
  });

  it('lets workflows check the length inside a sealed value: 1 MB is too long, empty is empty', () => {
    for (const length of [0, 1, 2, 3, 7, 100, 1024]) expect(secretBytes(sealer.seal('x'.repeat(length)))).toBe(length);
    expect(secretProblem(sealer.seal('x'.repeat(1024 * 1024)))).toBe(`must be at most ${MAX_SECRET_BYTES} bytes`);
    expect(secretProblem('x'.repeat(1024 * 1024))).toBe(`must be at most ${MAX_SECRET_BYTES} bytes`);
    expect(secretProblem(sealer.seal(''))).toBe('must not be empty');
    expect(secretProblem('sealed:v1:short:abc')).toBe('is not a well-formed sealed value');
    expect(secretProblem(sealer.seal('correct'))).toBeUndefined();
  });
});

describe('SealingCodec', () => {
  const privateKey = randomBytes(32);
  const codec = new SealingCodec({ sealer: new Sealer(publicKeyOf(privateKey)) });
  const opener = new Opener([privateKey]);

  it('seals credential values and answers, and leaves everything else readable', async () => {
    const input = { userId: 'alice', institutionCode: 'mxbank', credentials: { username: 'mxuser', password: 'hunter2' } };
    const answers = { answers: [{ guid: 'CRD-1', value: 'correct' }] };
    const [sealedInput, sealedAnswers, other] = await codec.encode(
      [input, answers, { note: 'mxuser' }].map((v) => defaultPayloadConverter.toPayload(v)),
    );
    const parsedInput = JSON.parse(text(sealedInput));
    expect(parsedInput.userId).toBe('alice');
    expect(text(sealedInput)).not.toContain('mxuser');
    expect(text(sealedInput)).not.toContain('hunter2');
    expect(opener.open(parsedInput.credentials.password)).toBe('hunter2');
    const parsedAnswers = JSON.parse(text(sealedAnswers));
    expect(parsedAnswers.answers[0].guid).toBe('CRD-1');
    expect(opener.open(parsedAnswers.answers[0].value)).toBe('correct');
    expect(text(other)).toBe('{"note":"mxuser"}');
  });

  it('shows sealed values masked in the codec server view', async () => {
    const masking = new SealingCodec({ sealer: new Sealer(publicKeyOf(privateKey)), maskOnDecode: true });
    const [sealed] = await masking.encode([defaultPayloadConverter.toPayload({ answers: [{ guid: 'CRD-1', value: 'correct' }] })]);
    const [shown] = await masking.decode([sealed!]);
    expect(JSON.parse(text(shown)).answers[0].value).toMatch(/^sealed:v1:[A-Za-z0-9_-]{16}:••••$/);
    const [worker] = await codec.decode([sealed!]);
    expect(worker).toEqual(sealed);
  });
});

describe('sealing keys', () => {
  it('creates the key pair in DATA_DIR on first use: private 0600, public readable, same keys afterwards', () => {
    const config = loadConfig({ DATA_DIR: mkdtempSync(join(tmpdir(), 'seal-keys-')) });
    const sealer = loadSealer(config);
    expect(statSync(sealKeyPath(config)).mode & 0o777).toBe(0o600);
    expect(readFileSync(sealPublicKeyPath(config), 'utf8').trim()).toBe(
      publicKeyOf(Buffer.from(readFileSync(sealKeyPath(config), 'utf8').trim(), 'base64')).toString('base64'),
    );
    expect(loadOpener(config).open(sealer.seal('same pair'))).toBe('same pair');
    expect(loadSealer(config).keyId).toBe(sealer.keyId);
  });

  it('takes keys from the environment and opens values sealed for PAYLOAD_SEAL_PREVIOUS_KEYS', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'seal-keys-'));
    const [oldKey, newKey] = [randomBytes(32).toString('base64'), randomBytes(32).toString('base64')];
    const old = loadSealer(loadConfig({ DATA_DIR: dataDir, PAYLOAD_SEAL_KEY: oldKey })).seal('old secret');
    const rotated = loadConfig({ DATA_DIR: dataDir, PAYLOAD_SEAL_KEY: newKey, PAYLOAD_SEAL_PREVIOUS_KEYS: oldKey });
    expect(loadOpener(rotated).open(old)).toBe('old secret');
    const publicOnly = loadConfig({
      DATA_DIR: dataDir,
      PAYLOAD_SEAL_PUBLIC_KEY: publicKeyOf(Buffer.from(newKey, 'base64')).toString('base64'),
    });
    expect(loadOpener(rotated).open(loadSealer(publicOnly).seal('new secret'))).toBe('new secret');
    expect(() => statSync(sealKeyPath(rotated))).toThrow();
  });

  it('rotates with the key files as the README says: old key moved away and listed, new pair created', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'seal-keys-'));
    const before = loadConfig({ DATA_DIR: dataDir });
    const old = loadSealer(before).seal('sealed before rotation');
    renameSync(sealKeyPath(before), `${sealKeyPath(before)}.old`);
    rmSync(sealPublicKeyPath(before));
    const after = loadConfig({ DATA_DIR: dataDir, PAYLOAD_SEAL_PREVIOUS_KEYS: readFileSync(`${sealKeyPath(before)}.old`, 'utf8').trim() });
    const sealer = loadSealer(after);
    expect(sealer.keyId).not.toBe(sealedKeyId(old));
    expect(loadOpener(after).open(old)).toBe('sealed before rotation');
    expect(loadOpener(after).open(sealer.seal('after'))).toBe('after');
  });

  it('names a bad key variable without showing its value', () => {
    expect(() => loadConfig({ PAYLOAD_SEAL_KEY: 'not-a-key' })).toThrow('PAYLOAD_SEAL_KEY: must be 32 bytes');
  });
});

describe('opening secrets in an activity', () => {
  const privateKey = randomBytes(32);
  const sealed = new Sealer(publicKeyOf(privateKey)).seal('hunter2');

  it('opens sealed values, passes plain ones, and fails for good (naming the key, not the value) when it cannot', () => {
    expect(openSecret(new Opener([privateKey]), sealed)).toBe('hunter2');
    expect(openSecret(undefined, 'plain')).toBe('plain');
    for (const secrets of [undefined, new Opener([randomBytes(32)])]) {
      let failure: unknown;
      try {
        openSecret(secrets, sealed);
      } catch (err) {
        failure = err;
      }
      expect(failure).toBeInstanceOf(ApplicationFailure);
      expect(failure).toMatchObject({ type: FAILURE_TYPES.sealedSecretUnreadable, nonRetryable: true });
      expect((failure as Error).message).not.toContain('hunter2');
    }
  });
});
