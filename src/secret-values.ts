// Credential values and MFA answers travel sealed: `sealed:v1:<key id>:<base64url>`, readable only by
// workers (src/temporal/seal.ts). Workflows never open them; they check the shape and the length of
// what is inside, so a malformed or oversized secret fails as INVALID_INPUT before MX sees it.
// Shared by the workflows, the activities and the sealing code, so it imports nothing.

export const SEALED_PREFIX = 'sealed:v1:';
/** Ephemeral X25519 public key, AES-GCM IV and tag around the ciphertext. */
export const SEALED_OVERHEAD_BYTES = 32 + 12 + 16;
/** Far above any bank password or MFA answer, far below Temporal's 2 MB payload limit. */
export const MAX_SECRET_BYTES = 1024;

const SEALED = /^sealed:v1:([A-Za-z0-9_-]{16}):([A-Za-z0-9_-]+)$/;

export function isSealed(value: string): boolean {
  return value.startsWith(SEALED_PREFIX);
}

/** The key id of a sealed value, or undefined when the value is not well-formed. */
export function sealedKeyId(value: string): string | undefined {
  return SEALED.exec(value)?.[1];
}

/** The secret's length in UTF-8 bytes, sealed or not; undefined for a malformed sealed value. */
export function secretBytes(value: string): number | undefined {
  if (!isSealed(value)) return utf8Length(value);
  const body = SEALED.exec(value)?.[2];
  if (body === undefined || body.length % 4 === 1) return undefined;
  const bytes = Math.floor((body.length * 3) / 4) - SEALED_OVERHEAD_BYTES;
  return bytes >= 0 ? bytes : undefined;
}

/** Why a credential value or an MFA answer is unacceptable, or undefined when it is fine. Never echoes it. */
export function secretProblem(value: string): string | undefined {
  const bytes = secretBytes(value);
  if (bytes === undefined) return 'is not a well-formed sealed value';
  if (bytes === 0) return 'must not be empty';
  if (bytes > MAX_SECRET_BYTES) return `must be at most ${MAX_SECRET_BYTES} bytes`;
  return undefined;
}

/** No TextEncoder needed: workflow code stays free of platform APIs. */
function utf8Length(text: string): number {
  let bytes = 0;
  for (const char of text) {
    const code = char.codePointAt(0) as number;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return bytes;
}
