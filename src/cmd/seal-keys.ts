// `npm run -s seal-keys`: a new sealing key pair as .env lines, for deployments where workers and the
// other processes do not share a DATA_DIR they can trust (docker-compose.yml): workers get
// PAYLOAD_SEAL_KEY, the codec server and support page only PAYLOAD_SEAL_PUBLIC_KEY. With a key in
// PAYLOAD_SEAL_KEY already, prints the public key that goes with it instead (after a rotation, say).
import { randomBytes } from 'node:crypto';
import { parseRawKey, publicKeyOf } from '../temporal/seal';

const given = process.env.PAYLOAD_SEAL_KEY;
const key = given ? parseRawKey(given, 'PAYLOAD_SEAL_KEY') : randomBytes(32);
if (!given) console.log(`PAYLOAD_SEAL_KEY=${key.toString('base64')}`);
console.log(`PAYLOAD_SEAL_PUBLIC_KEY=${publicKeyOf(key).toString('base64')}`);
