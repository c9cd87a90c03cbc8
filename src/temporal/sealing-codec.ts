// The payload codec that seals secrets before the payload is encrypted: every credential value of a
// top-level `credentials` object and every `value` of a top-level `answers` list (a guide's input,
// ensureMember's input, the mfaAnswers/answerMfa payload, resumeMember's input). Everything else in
// the payload stays readable to whoever holds the encryption key (the Web UI through the codec server).
import type { Payload, PayloadCodec } from '@temporalio/common';
import { isSealed, SEALED_PREFIX } from '../../workflows/secret-values';
import type { Sealer } from './seal';

const JSON_ENCODING = 'json/plain';
const MASK = '••••';
// A cheap look before parsing: most payloads (results, queries, summaries) carry no secrets at all.
const SECRET_KEYS = [Buffer.from('"credentials"'), Buffer.from('"answers"')];
const SEALED_STRING = /"sealed:v1:([A-Za-z0-9_-]{16}):[A-Za-z0-9_-]+"/g;

export interface SealingCodecOptions {
  sealer: Sealer;
  /** The codec server's view: sealed values shown as `sealed:v1:<key id>:••••`. */
  maskOnDecode?: boolean;
}

export class SealingCodec implements PayloadCodec {
  constructor(private readonly options: SealingCodecOptions) {}

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.seal(payload));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return this.options.maskOnDecode ? payloads.map(mask) : payloads;
  }

  private seal(payload: Payload): Payload {
    const data = payload.data;
    if (!data || encodingOf(payload) !== JSON_ENCODING || !SECRET_KEYS.some((key) => Buffer.from(data).includes(key))) return payload;
    let value: unknown;
    try {
      value = JSON.parse(Buffer.from(data).toString('utf8'));
    } catch {
      return payload;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return payload;
    const sealed = this.sealSecrets(value as Record<string, unknown>);
    return sealed ? { ...payload, data: Buffer.from(JSON.stringify(sealed)) } : payload;
  }

  /** The object with its secrets sealed, or undefined when it holds none to seal. */
  private sealSecrets(value: Record<string, unknown>): Record<string, unknown> | undefined {
    const seal = (secret: unknown) => (typeof secret === 'string' && !isSealed(secret) ? this.options.sealer.seal(secret) : secret);
    const { credentials, answers } = value;
    let changed = false;
    const result = { ...value };
    if (typeof credentials === 'object' && credentials !== null && !Array.isArray(credentials)) {
      result.credentials = Object.fromEntries(Object.entries(credentials).map(([key, secret]) => [key, seal(secret)]));
      changed = true;
    }
    if (Array.isArray(answers)) {
      result.answers = answers.map((answer: unknown) =>
        typeof answer === 'object' && answer !== null && 'value' in answer ? { ...answer, value: seal(answer.value) } : answer,
      );
      changed = true;
    }
    return changed ? result : undefined;
  }
}

function mask(payload: Payload): Payload {
  const data = payload.data;
  if (!data || encodingOf(payload) !== JSON_ENCODING || !Buffer.from(data).includes(SEALED_PREFIX)) return payload;
  const text = Buffer.from(data)
    .toString('utf8')
    .replace(SEALED_STRING, (_all, keyId: string) => `"${SEALED_PREFIX}${keyId}:${MASK}"`);
  return { ...payload, data: Buffer.from(text) };
}

export function encodingOf(payload: Payload): string | undefined {
  const encoding = payload.metadata?.encoding;
  return encoding ? Buffer.from(encoding).toString('utf8') : undefined;
}
