// The DataConverters of every process, so what one encodes the others can read. Secrets are sealed
// (public key) and then every payload is encrypted (AES key); only workers can open sealed values.
import type { DataConverter } from '@temporalio/common';
import { join } from 'node:path';
import type { Config } from '../config';
import { EncryptionCodec, parseKey } from './codec';
import { CodecChain } from './codec-chain';
import { readOrCreateKeyFile } from './key-file';
import { WorkerPayloadCodec } from './message-codec';
import { loadSealer } from './seal-keys';
import { SealingCodec } from './sealing-codec';

/** Where the local-development key lives when PAYLOAD_CODEC_KEY is not set. */
export function codecKeyPath(config: Config): string {
  return join(config.dataDir, 'codec.key');
}

/**
 * PAYLOAD_CODEC_KEY when set; otherwise `<dataDir>/codec.key`, created (mode 0600) on first use.
 * The file is fine for one machine; anything shared should use PAYLOAD_CODEC_KEY from a secret store.
 */
export async function loadPayloadCodec(config: Config): Promise<EncryptionCodec> {
  const current = config.codec.key
    ? parseKey(config.codec.key, 'PAYLOAD_CODEC_KEY')
    : parseKey(readOrCreateKeyFile(codecKeyPath(config)), codecKeyPath(config));
  const previous = (config.codec.previousKeys ?? []).map((key, i) => parseKey(key, `PAYLOAD_CODEC_PREVIOUS_KEYS[${i}]`));
  return new EncryptionCodec(current, previous);
}

/** Clients (support tool, `npm start`, tests): seal secrets, encrypt everything. */
export async function loadDataConverter(config: Config): Promise<DataConverter> {
  return { payloadCodecs: [new SealingCodec({ sealer: loadSealer(config) }), await loadPayloadCodec(config)] };
}

/**
 * The worker: the same codecs, behind a codec that turns an undecodable start input, signal or update
 * into a marker the workflow handles instead of a workflow task that fails forever.
 */
export async function loadWorkerDataConverter(config: Config): Promise<DataConverter> {
  const [sealing, encryption] = (await loadDataConverter(config)).payloadCodecs!;
  return { payloadCodecs: [new WorkerPayloadCodec([sealing!, encryption!])] };
}

/** The codec server (Web UI, Temporal CLI): seals what it encodes, shows sealed values masked. */
export async function loadCodecServerCodec(config: Config): Promise<CodecChain> {
  return new CodecChain([new SealingCodec({ sealer: loadSealer(config), maskOnDecode: true }), await loadPayloadCodec(config)]);
}
