// put() in terms of create(), for any backend: pulls a stream or iterable into an ObjectWriter,
// honouring backpressure and cancellation, and aborts the object on any failure.
import { addAbortSignal, Readable } from 'node:stream';
import type { ObjectWriter, PutSource, StoredObject } from './types';

/** put() for any stream or iterable: pulls it into a writer, honouring backpressure and the signal. */
export async function putFromSource(writer: ObjectWriter, source: PutSource, signal: AbortSignal | undefined): Promise<StoredObject> {
  try {
    for await (const piece of abortable(source, signal)) {
      const chunk = typeof piece === 'string' ? Buffer.from(piece) : (piece as Uint8Array);
      if (!writer.write(chunk)) await writer.drained();
    }
    signal?.throwIfAborted();
    return await writer.commit();
  } catch (error) {
    await writer.abort();
    throw error;
  }
}

/** A Readable whose pending read fails as soon as `signal` aborts, even while the source is silent. */
function abortable(source: PutSource, signal: AbortSignal | undefined): Readable {
  const readable = source instanceof Readable ? source : Readable.from(source, { objectMode: false });
  return signal ? addAbortSignal(signal, readable) : readable;
}
