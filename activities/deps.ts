// What every activity is built from. Tests hand in a client pointed at a loopback server, a storage
// in a temporary directory and a fixed clock.
import type { MxClient } from '../src/mx/client';
import type { Storage } from '../src/storage/types';

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export interface ActivityDeps {
  mx: MxClient;
  storage: Storage;
  clock: Clock;
  /** Keys of the members' derived partner ids (activities/member-id.ts), current first. Default: one key for this process. */
  memberIdKeys?: Buffer[];
}
