// What sealing and the worker's tolerant decode cost on top of encryption: one value sealed and opened,
// a guide input (two credential values) through the client's codecs, a 1 MB payload without secrets
// through them (the cheap look that skips parsing), and the worker's decode of a message payload
// (it also checks the encoding and the JSON) next to the plain chain.
// Run: npx tsx bench/seal.ts
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { defaultPayloadConverter, type Payload, type PayloadCodec } from '@temporalio/common';
import { EncryptionCodec } from '../src/temporal/codec';
import { CodecChain } from '../src/temporal/codec-chain';
import { WorkerPayloadCodec } from '../src/temporal/message-codec';
import { Opener, publicKeyOf, Sealer } from '../src/temporal/seal';
import { SealingCodec } from '../src/temporal/sealing-codec';

const privateKey = randomBytes(32);
const sealer = new Sealer(publicKeyOf(privateKey));
const opener = new Opener([privateKey]);
const encryption = new EncryptionCodec(randomBytes(32));
const encryptOnly = new CodecChain([encryption]);
const client = new CodecChain([new SealingCodec({ sealer }), encryption]);
const worker = new WorkerPayloadCodec([new SealingCodec({ sealer }), encryption]);
const input = defaultPayloadConverter.toPayload({
  userId: 'alice',
  institutionCode: 'mxbank',
  credentials: { username: 'mxuser', password: 'password' },
});
const large = defaultPayloadConverter.toPayload({ blob: randomBytes(768 * 1024).toString('base64') });
const workflow = { type: 'workflow', namespace: 'default', workflowId: 'bench' } as const;

async function perCall(label: string, iterations: number, call: () => unknown): Promise<number> {
  for (let i = 0; i < Math.min(50, iterations); i++) await call();
  const started = performance.now();
  for (let i = 0; i < iterations; i++) await call();
  const us = ((performance.now() - started) / iterations) * 1000;
  console.log(`${label.padEnd(62)} ${us.toFixed(1).padStart(9)} µs/call  (${iterations} calls)`);
  return us;
}

const encodeOf = (codec: PayloadCodec, payload: Payload) => () => codec.encode([payload]);

async function main(): Promise<void> {
  const sealed = sealer.seal('password');
  await perCall('seal one value (X25519 + HKDF + AES-GCM)', 5_000, () => sealer.seal('password'));
  await perCall('open one value', 5_000, () => opener.open(sealed));
  const plain = await perCall('encode guide input: encryption only', 20_000, encodeOf(encryptOnly, input));
  const both = await perCall('encode guide input: seal 2 values + encryption', 5_000, encodeOf(client, input));
  console.log(`${'  => sealing adds'.padEnd(62)} ${(both - plain).toFixed(1).padStart(9)} µs per guide input`);
  await perCall('encode 1 MB without secrets: encryption only', 200, encodeOf(encryptOnly, large));
  await perCall('encode 1 MB without secrets: sealing codec + encryption', 200, encodeOf(client, large));
  const [encrypted] = await client.encode([input]);
  await perCall('decode message: plain chain', 20_000, () => encryptOnly.decode([encrypted!]));
  await perCall('decode message: worker codec (encoding + JSON check)', 20_000, () => worker.decode([encrypted!], workflow));
  const [bigEncrypted] = await client.encode([large]);
  await perCall('decode 1 MB message: plain chain', 200, () => encryptOnly.decode([bigEncrypted!]));
  await perCall('decode 1 MB message: worker codec (encoding + JSON check)', 200, () => worker.decode([bigEncrypted!], workflow));
}

await main();
