// The one DataConverter every process uses (worker, support tool, `npm start`, codec server), so what
// one encrypts the others can read.
import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DataConverter } from '@temporalio/common';
import type { Config } from '../config';
import { EncryptionCodec, parseKey } from './codec';

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

export async function loadDataConverter(config: Config): Promise<DataConverter> {
  return { payloadCodecs: [await loadPayloadCodec(config)] };
}

/**
 * Several processes start together (`npm start` launches the worker and the support page), so the
 * file appears atomically: written under a unique name, then hard-linked into place, which fails if
 * another process won the race — and then its key is the one everybody reads.
 */
function readOrCreateKeyFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  mkdirSync(join(path, '..'), { recursive: true });
  const draft = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(draft, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(draft, path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    rmSync(draft, { force: true });
  }
  return readFileSync(path, 'utf8');
}
