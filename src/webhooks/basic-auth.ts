// HTTP Basic, the authentication MX's webhook configuration offers (with mutual TLS and OAuth2, which
// belong to the TLS terminator or gateway in front of this receiver). Compared in constant time.
import { createHash, timingSafeEqual } from 'node:crypto';

export interface BasicCredentials {
  username: string;
  password: string;
}

export function basicAuthAccepts(expected: BasicCredentials, header: string | undefined): boolean {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header ?? '');
  if (!match) return false;
  const given = Buffer.from(match[1]!, 'base64').toString('utf8');
  const digest = (value: string) => createHash('sha256').update(value).digest();
  // Hash both so the comparison takes the same time whatever the lengths are.
  return timingSafeEqual(digest(given), digest(`${expected.username}:${expected.password}`));
}
