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
