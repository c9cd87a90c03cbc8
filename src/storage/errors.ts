// Storage failures a caller can act on. Neither ever contains object content.
export class InvalidStorageKeyError extends Error {
  override name = 'InvalidStorageKeyError';
  constructor(key: string, problem: string) {
    super(`Invalid storage key ${JSON.stringify(key)}: ${problem}`);
  }
}

/** The bytes did not hash to what the caller expected; nothing was published. */
export class HashMismatchError extends Error {
  override name = 'HashMismatchError';
  constructor(
    readonly key: string,
    readonly expected: string,
    readonly actual: string,
    readonly bytes: number,
  ) {
    super(`SHA-256 of ${key} is ${actual} (${bytes} bytes), expected ${expected}: not stored`);
  }
}

/** Another attempt is still writing this object (its partial file is fresh); a later retry may go on. */
export class ObjectBusyError extends Error {
  override name = 'ObjectBusyError';
  constructor(
    readonly key: string,
    staleAfterMs: number,
  ) {
    super(`${key} is being written by another attempt (its partial file was touched less than ${staleAfterMs} ms ago); retry later`);
  }
}

/** This writer stalled long enough that another attempt may have taken its partial file over. */
export class LeaseLostError extends Error {
  override name = 'LeaseLostError';
  constructor(readonly key: string) {
    super(`${key}: the partial file went unattended long enough for another attempt to take it over; not published`);
  }
}
