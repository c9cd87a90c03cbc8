// NDJSON in and out as streams, so a state of any size passes through in bounded memory.
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

/** Parsed lines of a stream; a line that is not JSON fails naming its number and `what`. */
export async function* readNdjson<T>(input: Readable, what: string): AsyncGenerator<T> {
  let n = 0;
  for await (const line of createInterface({ input, crlfDelay: Infinity })) {
    n += 1;
    if (line.trim() === '') continue;
    try {
      yield JSON.parse(line) as T;
    } catch {
      throw new Error(`${what}: line ${n} is not valid JSON`);
    }
  }
}

/** One line per item; `count` is told how many went out once the last has. */
export async function* toNdjson<T>(items: AsyncIterable<T> | Iterable<T>, count?: (n: number) => void): AsyncGenerator<Buffer> {
  let n = 0;
  for await (const item of items) {
    n += 1;
    yield Buffer.from(`${JSON.stringify(item)}\n`);
  }
  count?.(n);
}
