// Sealing of credential values and MFA answers with a key pair: anyone holding the public key (the
// codec server, the Temporal CLI through it, the support tool) can seal; only workers, which hold the
// private key, can open. So whoever can decrypt payloads for the Web UI still sees only
// `sealed:v1:…` where a bank password or an MFA answer was.
// Scheme: X25519 with a fresh ephemeral key per value, HKDF-SHA256, AES-256-GCM (the key id is the
// additional data, so a value cannot be passed off as sealed for another key).
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  type KeyObject,
  randomBytes,
} from 'node:crypto';
import { isSealed, SEALED_PREFIX, sealedKeyId } from '../../workflows/secret-values';

const RAW_KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HKDF_INFO = Buffer.from('mx-temporal-guides sealed v1');
// DER framing of a raw X25519 key (RFC 8410), so keys can be configured as 32 bytes of base64.
const PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');

export class SealError extends Error {
  override name = 'SealError';
}

/** Parses 32 base64 bytes, naming `source` (an env var or a file) in the error, never the key. */
export function parseRawKey(base64: string, source: string): Buffer {
  const key = Buffer.from(base64.trim(), 'base64');
  if (key.length !== RAW_KEY_BYTES || key.toString('base64') !== base64.trim()) {
    throw new SealError(`${source} must hold 32 bytes, base64-encoded (openssl rand -base64 32).`);
  }
  return key;
}

/** The raw public key belonging to a raw private key. */
export function publicKeyOf(rawPrivate: Buffer): Buffer {
  const publicKey = createPublicKey(createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, rawPrivate]), format: 'der', type: 'pkcs8' }));
  return publicKey.export({ format: 'der', type: 'spki' }).subarray(SPKI_PREFIX.length);
}

export function sealKeyIdOf(rawPublic: Buffer): string {
  return createHash('sha256').update(rawPublic).digest('base64url').slice(0, 16);
}

/** Seals with one public key. */
export class Sealer {
  readonly keyId: string;
  private readonly rawPublic: Buffer;
  private readonly publicKey: KeyObject;

  constructor(rawPublic: Buffer) {
    if (rawPublic.length !== RAW_KEY_BYTES)
      throw new SealError(`A sealing public key must be ${RAW_KEY_BYTES} bytes, not ${rawPublic.length}.`);
    this.rawPublic = rawPublic;
    this.publicKey = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, rawPublic]), format: 'der', type: 'spki' });
    this.keyId = sealKeyIdOf(rawPublic);
  }

  /** Already sealed values stay as they are, so sealing twice (client, then worker) is harmless. */
  seal(value: string): string {
    if (isSealed(value)) return value;
    const ephemeral = generateKeyPairSync('x25519');
    const ephemeralPublic = ephemeral.publicKey.export({ format: 'der', type: 'spki' }).subarray(SPKI_PREFIX.length);
    const shared = diffieHellman({ privateKey: ephemeral.privateKey, publicKey: this.publicKey });
    const key = deriveKey(shared, ephemeralPublic, this.rawPublic);
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(this.keyId));
    const body = Buffer.concat([ephemeralPublic, iv, cipher.update(value, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `${SEALED_PREFIX}${this.keyId}:${body.toString('base64url')}`;
  }
}

/** Opens values sealed for the current private key or a previous one (rotation). Workers only. */
export class Opener {
  private readonly keys = new Map<string, { rawPublic: Buffer; privateKey: KeyObject }>();
  private readonly rawPrivateKeys: Buffer[];

  /** The current key first, then retired ones. */
  constructor(rawPrivateKeys: Buffer[]) {
    this.rawPrivateKeys = rawPrivateKeys;
    for (const raw of rawPrivateKeys) {
      if (raw.length !== RAW_KEY_BYTES) throw new SealError(`A sealing private key must be ${RAW_KEY_BYTES} bytes, not ${raw.length}.`);
      const rawPublic = publicKeyOf(raw);
      const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, raw]), format: 'der', type: 'pkcs8' });
      this.keys.set(sealKeyIdOf(rawPublic), { rawPublic, privateKey });
    }
  }

  /**
   * Keys for another purpose (`info` names it), derived from the current private key and then each
   * retired one: only workers hold them, what they protect follows a rotation, and the sealing keys
   * themselves never leave this object.
   */
  derivedKeys(info: string): Buffer[] {
    return this.rawPrivateKeys.map((key) => Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), info, 32)));
  }

  /** Plain values pass through: a run started without the codec still works (see README, Encryption). */
  open(value: string): string {
    if (!isSealed(value)) return value;
    const keyId = sealedKeyId(value);
    if (!keyId) throw new SealError('A sealed value is malformed.');
    const entry = this.keys.get(keyId);
    if (!entry) {
      throw new SealError(
        `A value was sealed for key id "${keyId}", which this worker does not hold. Set PAYLOAD_SEAL_KEY to that key, or list it in PAYLOAD_SEAL_PREVIOUS_KEYS after a rotation.`,
      );
    }
    const body = Buffer.from(value.slice(value.lastIndexOf(':') + 1), 'base64url');
    if (body.length < RAW_KEY_BYTES + IV_BYTES + TAG_BYTES) throw new SealError(`A sealed value (key id "${keyId}") is truncated.`);
    const ephemeralPublic = body.subarray(0, RAW_KEY_BYTES);
    const iv = body.subarray(RAW_KEY_BYTES, RAW_KEY_BYTES + IV_BYTES);
    const publicKey = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, ephemeralPublic]), format: 'der', type: 'spki' });
    const key = deriveKey(diffieHellman({ privateKey: entry.privateKey, publicKey }), ephemeralPublic, entry.rawPublic);
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAAD(Buffer.from(keyId));
    decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(body.subarray(RAW_KEY_BYTES + IV_BYTES, body.length - TAG_BYTES)), decipher.final()]).toString(
        'utf8',
      );
    } catch {
      throw new SealError(`A sealed value (key id "${keyId}") failed authentication: it was altered or damaged.`);
    }
  }
}

function deriveKey(shared: Buffer, ephemeralPublic: Buffer, recipientPublic: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', shared, Buffer.concat([ephemeralPublic, recipientPublic]), HKDF_INFO, 32));
}
