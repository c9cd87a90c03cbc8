// Several payload codecs as one, in a DataConverter's order: the first encodes first and decodes last.
// The codec server takes a single codec, and the worker's tolerant codec wraps the whole chain.
import type { Payload, PayloadCodec, SerializationContext } from '@temporalio/common';

export class CodecChain implements PayloadCodec {
  constructor(protected readonly codecs: PayloadCodec[]) {}

  async encode(payloads: Payload[], context?: SerializationContext): Promise<Payload[]> {
    let encoded = payloads;
    for (const codec of this.codecs) encoded = await codec.encode(encoded, context);
    return encoded;
  }

  async decode(payloads: Payload[], context?: SerializationContext): Promise<Payload[]> {
    let decoded = payloads;
    for (const codec of [...this.codecs].reverse()) decoded = await codec.decode(decoded, context);
    return decoded;
  }
}
