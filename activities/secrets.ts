// Credential values and MFA answers arrive sealed (src/temporal/seal.ts) and are opened here, right
// before the MX call that needs them, so plain secrets exist only in the worker's memory.
import { FAILURES } from '../src/failures/catalogue';
import { activityFailure } from '../src/failures/raise';
import { isSealed } from '../src/secret-values';
import type { Secrets } from './deps';

export function openSecret(secrets: Secrets | undefined, value: string): string {
  if (typeof value !== 'string' || !isSealed(value)) return value;
  try {
    if (!secrets) throw new Error('This worker was started without sealing keys (PAYLOAD_SEAL_KEY or <DATA_DIR>/seal.key).');
    return secrets.open(value);
  } catch (err) {
    // Sealing errors name key ids, never values; a retry cannot make a missing key appear.
    throw activityFailure(FAILURES.sealedSecretUnreadable, (err as Error).message);
  }
}

export function openSecrets(secrets: Secrets | undefined, values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [key, openSecret(secrets, value)]));
}
