// What every activity is built from. Tests hand in a client pointed at a loopback server, a storage
// in a temporary directory and a fixed clock.
import type { MxClient } from '../src/mx/client';
import type { Storage } from '../src/storage/types';

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** Opens sealed credential values and MFA answers (src/temporal/seal.ts); plain values pass through. */
export interface Secrets {
  open(value: string): string;
}

export interface ActivityDeps {
  mx: MxClient;
  storage: Storage;
  clock: Clock;
  /** The worker's sealing keys; without them only plain (unsealed) secrets can be used. */
  secrets?: Secrets;
  /** Keys of the members' derived partner ids (activities/member-id.ts), current first. Default: one key for this process. */
  memberIdKeys?: Buffer[];
}
