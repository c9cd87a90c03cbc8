// The worker's payload codec. The worker decodes every payload of an activation before the workflow
// runs; a codec (or, inside the workflow sandbox, the payload converter) that throws fails the workflow
// task, and Temporal retries that task forever: one badly encoded signal would stall a healthy run.
// So payloads that come from outside the run (start input, signals, updates: the workflow context)
// never fail here. An undecodable one becomes the `$undecodable` marker, which the workflow ignores
// (signal), rejects (update) or fails as INVALID_INPUT (start). Activity results and activity inputs
// are still decoded strictly: there a missing key is the worker's problem, and failing loudly (and
// retrying once the key is configured) is right.
import type { Payload, SerializationContext } from '@temporalio/common';
import { UNDECODABLE } from '../../workflows/undecodable';
import { PayloadCodecError } from './codec';
import { CodecChain } from './codec-chain';
import { encodingOf } from './sealing-codec';

/** What the default payload converter can read (it throws on anything else, inside the sandbox). */
const READABLE_ENCODINGS = new Set(['binary/null', 'binary/plain', 'json/plain']);

export class WorkerPayloadCodec extends CodecChain {
  override async decode(payloads: Payload[], context?: SerializationContext): Promise<Payload[]> {
    if (context?.type !== 'workflow') return await super.decode(payloads, context);
    return await Promise.all(payloads.map((payload) => this.decodeMessage(payload, context)));
  }

  private async decodeMessage(payload: Payload, context: SerializationContext): Promise<Payload> {
    let decoded: Payload;
    try {
      [decoded] = (await super.decode([payload], context)) as [Payload];
    } catch (err) {
      // Codec errors name key ids and what went wrong, never payload contents.
      return undecodable(err instanceof PayloadCodecError ? err.message : 'it is not a valid Temporal payload');
    }
    const problem = unreadable(decoded);
    return problem ? undecodable(problem) : decoded;
  }
}

/** Why the workflow's payload converter would throw on this payload, or undefined. */
function unreadable(payload: Payload): string | undefined {
  const encoding = encodingOf(payload);
  if (encoding === undefined || !READABLE_ENCODINGS.has(encoding)) {
    return `unknown payload encoding "${(encoding ?? '(none)').replace(/[^\w/.+-]/g, '?').slice(0, 40)}"`;
  }
  if (encoding !== 'json/plain') return undefined;
  try {
    JSON.parse(Buffer.from(payload.data ?? new Uint8Array()).toString('utf8'));
    return undefined;
  } catch {
    return 'a json/plain payload that is not valid JSON';
  }
}

function undecodable(reason: string): Payload {
  return {
    metadata: { encoding: Buffer.from('json/plain') },
    data: Buffer.from(JSON.stringify({ [UNDECODABLE]: reason })),
  };
}
