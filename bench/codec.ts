// What payload encryption costs: in-process encode+decode of a workflow-input-sized payload and of a
// 1 MB payload, and one round trip through the codec server (what the Web UI and the CLI pay per call).
// Run: npx tsx bench/codec.ts
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { EncryptionCodec } from '../src/temporal/codec';
import { startCodecServer } from '../src/temporal/codec-server';

const codec = new EncryptionCodec(randomBytes(32));
const input = defaultPayloadConverter.toPayload({
  userId: 'alice',
  institutionCode: 'mxbank',
  credentials: { username: 'mxuser', password: 'password' },
});
const large = defaultPayloadConverter.toPayload({ blob: randomBytes(768 * 1024).toString('base64') });

async function perCall(label: string, iterations: number, call: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < Math.min(50, iterations); i++) await call();
  const started = performance.now();
  for (let i = 0; i < iterations; i++) await call();
  const ms = (performance.now() - started) / iterations;
  console.log(`${label.padEnd(58)} ${(ms * 1000).toFixed(1).padStart(9)} µs/call  (${iterations} calls)`);
  return ms;
}

const roundTrip = (payload: Payload) => async () => codec.decode(await codec.encode([payload]));

async function main(): Promise<void> {
  await perCall(`encode+decode, workflow input (${input.data!.length} B)`, 20_000, roundTrip(input));
  const ms = await perCall(`encode+decode, large payload (${(large.data!.length / 1024 / 1024).toFixed(2)} MB)`, 200, roundTrip(large));
  console.log(`${'  => throughput'.padEnd(58)} ${((large.data!.length / 1024 / 1024 / ms) * 1000).toFixed(0).padStart(9)} MB/s`);

  const server = await startCodecServer({ port: 0, codec, corsOrigins: [] });
  try {
    const [encrypted] = await codec.encode([input]);
    const body = JSON.stringify({
      payloads: [
        {
          metadata: Object.fromEntries(Object.entries(encrypted!.metadata!).map(([k, v]) => [k, Buffer.from(v!).toString('base64')])),
          data: Buffer.from(encrypted!.data!).toString('base64'),
        },
      ],
    });
    await perCall('codec server POST /decode over loopback, one payload', 2_000, async () => {
      const res = await fetch(`${server.url}/decode`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
      if (!res.ok) throw new Error(`decode answered ${res.status}`);
      await res.arrayBuffer();
    });
  } finally {
    await server.close();
  }
}

await main();
