// What a workflow receives in place of a message the worker could not decode (an unknown encoding,
// damaged ciphertext, a key the worker does not hold). The worker's codec hands this marker over
// instead of failing the workflow task, which Temporal would retry forever and so stall the run;
// the workflow then ignores a signal, rejects an update or fails a start as INVALID_INPUT.
// Shared by the codec (src/temporal) and the workflows, so it imports nothing.

export const UNDECODABLE = '$undecodable';

export interface Undecodable {
  [UNDECODABLE]: string;
}

/** The reason when `value` is the marker, else undefined. The reason names no payload content. */
export function undecodableReason(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || !(UNDECODABLE in value)) return undefined;
  const reason = (value as Undecodable)[UNDECODABLE];
  return typeof reason === 'string' ? reason : 'the payload could not be decoded';
}
