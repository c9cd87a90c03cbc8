// AES-256-GCM payload encryption, so member credentials and MFA answers reach Temporal's history
// (and its Web UI, and its database) only as ciphertext. The format follows Temporal's encryption
// sample: the whole serialized Payload is encrypted, so its own metadata (encoding) is hidden too.
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
// CommonJS without static named exports: under Node's ESM loader only the default import works.
import proto from '@temporalio/proto';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';
const CIPHER = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
const ProtoPayload = proto.temporal.api.common.v1.Payload;

export class PayloadCodecError extends Error {
  override name = 'PayloadCodecError';
}

/**
 * A key id derived from the key itself: every process holding the same key agrees on it without
 * configuration, and a hash of a random 256-bit key reveals nothing about the key.
 */
export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update(key).digest('base64url').slice(0, 16);
}

/** Parses a base64 key, naming `source` (an env var or a file) in the error, never the key. */
export function parseKey(base64: string, source: string): Buffer {
  const key = Buffer.from(base64.trim(), 'base64');
  if (key.length !== KEY_BYTES || key.toString('base64') !== base64.trim()) {
    throw new PayloadCodecError(`${source} must hold 32 bytes, base64-encoded (openssl rand -base64 32).`);
  }
  return key;
}

/**
 * Encrypts with the current key; decrypts with the current key or any previous one, which is how a key
 * is rotated without losing old histories. Payloads that are not encrypted pass through on decode, so
 * input from a plain `temporal workflow start` (no codec endpoint) still reaches the workflow.
 */
export class EncryptionCodec implements PayloadCodec {
  readonly keyId: string;
  private readonly currentKey: Buffer;
  private readonly keys: Map<string, Buffer>;

  constructor(currentKey: Buffer, previousKeys: Buffer[] = []) {
    for (const key of [currentKey, ...previousKeys]) {
      if (key.length !== KEY_BYTES) throw new PayloadCodecError(`An encryption key must be ${KEY_BYTES} bytes, not ${key.length}.`);
    }
    this.currentKey = currentKey;
    this.keyId = keyIdOf(currentKey);
    this.keys = new Map([...previousKeys, currentKey].map((key) => [keyIdOf(key), key]));
  }

  /**
   * Keys for another purpose (`info` names it), derived from the current key and then each previous one,
   * so what they protect follows a rotation and the payload keys themselves never leave this object.
   */
  derivedKeys(info: string): Buffer[] {
    const keys = [this.currentKey, ...[...this.keys.values()].filter((key) => key !== this.currentKey)];
    return keys.map((key) => Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), info, KEY_BYTES)));
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.encrypt(payload));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => (isEncrypted(payload) ? this.decrypt(payload) : payload));
  }

  private encrypt(payload: Payload): Payload {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(CIPHER, this.currentKey, iv);
    const plain = ProtoPayload.encode(payload).finish();
    const sealed = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
    return {
      metadata: {
        encoding: Buffer.from(ENCRYPTED_ENCODING),
        [KEY_ID_METADATA]: Buffer.from(this.keyId),
      },
      data: sealed,
    };
  }

  private decrypt(payload: Payload): Payload {
    const keyIdBytes = payload.metadata?.[KEY_ID_METADATA];
    if (!keyIdBytes) throw new PayloadCodecError(`An encrypted payload has no ${KEY_ID_METADATA}; it cannot be decrypted.`);
    const keyId = Buffer.from(keyIdBytes).toString('utf8');
    const key = this.keys.get(keyId);
    if (!key) {
      throw new PayloadCodecError(
        `A payload was encrypted with key id "${keyId}", which this process does not have (its current key id is "${this.keyId}"). ` +
          'Set PAYLOAD_CODEC_KEY to that key, or list it in PAYLOAD_CODEC_PREVIOUS_KEYS after a rotation.',
      );
    }
    const sealed = Buffer.from(payload.data ?? new Uint8Array());
    if (sealed.length < IV_BYTES + TAG_BYTES) throw new PayloadCodecError(`An encrypted payload (key id "${keyId}") is truncated.`);
    const decipher = createDecipheriv(CIPHER, key, sealed.subarray(0, IV_BYTES));
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    let plain: Buffer;
    try {
      plain = Buffer.concat([decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw new PayloadCodecError(`An encrypted payload (key id "${keyId}") failed authentication: it was altered or damaged.`);
    }
    return ProtoPayload.decode(plain);
  }
}

function isEncrypted(payload: Payload): boolean {
  const encoding = payload.metadata?.encoding;
  return encoding !== undefined && encoding !== null && Buffer.from(encoding).toString('utf8') === ENCRYPTED_ENCODING;
}
