// Where the sealing keys come from. Workers need the private key (PAYLOAD_SEAL_KEY, or
// `<DATA_DIR>/seal.key`, created with mode 0600 on first use) and any retired ones
// (PAYLOAD_SEAL_PREVIOUS_KEYS). Everything else (codec server, support tool, `npm start`) needs only
// the public key: PAYLOAD_SEAL_PUBLIC_KEY, or `<DATA_DIR>/seal.pub`, which a worker on the same
// machine writes beside the private key.
import { join } from 'node:path';
import type { Config } from '../config';
import { readOptionalFile, readOrCreateKeyFile, writePublicFile } from './key-file';
import { Opener, parseRawKey, publicKeyOf, Sealer } from './seal';

export function sealKeyPath(config: Config): string {
  return join(config.dataDir, 'seal.key');
}

export function sealPublicKeyPath(config: Config): string {
  return join(config.dataDir, 'seal.pub');
}

/** For workers: opens values sealed for the current key or a previous one. */
export function loadOpener(config: Config): Opener {
  const previous = (config.codec.sealPreviousKeys ?? []).map((key, i) => parseRawKey(key, `PAYLOAD_SEAL_PREVIOUS_KEYS[${i}]`));
  return new Opener([currentPrivateKey(config), ...previous]);
}

/** For every process: seals with the current public key, never touching a private key it is not given. */
export function loadSealer(config: Config): Sealer {
  if (config.codec.sealPublicKey) return new Sealer(parseRawKey(config.codec.sealPublicKey, 'PAYLOAD_SEAL_PUBLIC_KEY'));
  if (config.codec.sealKey) return new Sealer(publicKeyOf(parseRawKey(config.codec.sealKey, 'PAYLOAD_SEAL_KEY')));
  const path = sealPublicKeyPath(config);
  const stored = readOptionalFile(path);
  if (stored !== undefined) return new Sealer(parseRawKey(stored, path));
  // First use on this machine: create the key pair in DATA_DIR, keep only its public half.
  return new Sealer(publicKeyOf(currentPrivateKey(config)));
}

function currentPrivateKey(config: Config): Buffer {
  if (config.codec.sealKey) return parseRawKey(config.codec.sealKey, 'PAYLOAD_SEAL_KEY');
  const path = sealKeyPath(config);
  const key = parseRawKey(readOrCreateKeyFile(path), path);
  const publicPath = sealPublicKeyPath(config);
  const publicKey = `${publicKeyOf(key).toString('base64')}\n`;
  if (readOptionalFile(publicPath) !== publicKey) writePublicFile(publicPath, publicKey);
  return key;
}
