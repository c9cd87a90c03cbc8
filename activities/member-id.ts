// The partner id (`member.id`) of each member this project creates. MX answers 409 when the user already
// has a member with these credentials at this institution, and nobody can read credentials back from
// MX, so the id is how that member is found again: the same user, institution and credential values
// always give the same id, other values another id. It is an HMAC keyed with a secret only the workers
// hold (derived from the sealing private key, see src/cmd/worker.ts): MX, its dashboards and workflow
// histories show the id, and without the key nobody can test a guessed password against it. Not the
// payload codec key: the codec server and the Web UI's users hold that one, and must not be able to.
import { createHmac, randomBytes } from 'node:crypto';
import type { CredentialValue } from '../src/mx/client';

/** The HKDF purpose of the keys (Opener.derivedKeys). */
export const MEMBER_ID_KEY_INFO = 'mx-temporal-guides member id';

/** Marks ids this project derived, apart from any partner id a person chooses. */
const PREFIX = 'mtg-';

export interface MemberIdentity {
  userGuid: string;
  institutionCode: string;
  credentials: CredentialValue[];
}

/** The member's id under `key`; the user guid keeps two users with one password from sharing an id. */
export function derivedMemberId(key: Buffer, { userGuid, institutionCode, credentials }: MemberIdentity): string {
  const values = [...credentials].sort((a, b) => a.guid.localeCompare(b.guid)).map((c) => [c.guid, c.value]);
  const digest = createHmac('sha256', key)
    .update(JSON.stringify([userGuid, institutionCode, values]))
    .digest('base64url');
  return `${PREFIX}${digest.slice(0, 32)}`;
}

/** A key for this process only: for tests and tools that never meet the same member twice across restarts. */
export function ephemeralMemberIdKeys(): Buffer[] {
  return [randomBytes(32)];
}
