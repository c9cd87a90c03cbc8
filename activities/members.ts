// Guide step "Create a member". The end user's values are matched to the institution's credential
// guids by field name or label; a 409 (this user already has that member) updates the existing
// member's credentials instead of failing, which also makes a retried create harmless.
import { ApplicationFailure } from '@temporalio/common';
import { ACTIVITY_ERROR_TYPES } from '../src/mx/error-types';
import { MxConflictError } from '../src/mx/errors';
import type { CredentialValue, MemberOptionsBody, MxClient } from '../src/mx/client';
import type { MxMember } from '../src/mx/schemas';
import type { ActivityDeps } from './deps';
import { cancellation } from './context';
import { invalidInput } from './failures';
import { openSecrets } from './secrets';
import { toMemberState } from './mappers';
import type { Activities, CredentialField, EnsureMemberInput } from './types';

export function memberActivities({ mx, secrets }: ActivityDeps): Pick<Activities, 'ensureMember'> {
  return {
    async ensureMember(input) {
      if (!input?.userGuid || !input.institutionCode) throw invalidInput('ensureMember: userGuid and institutionCode are required');
      const credentials = matchCredentials(input.credentialFields ?? [], openSecrets(secrets, input.credentials ?? {}));
      const signal = cancellation();
      const options: MemberOptionsBody = {
        id: input.id,
        metadata: input.metadata,
        skip_aggregation: input.skipAggregation,
        background_aggregation_is_disabled: input.backgroundAggregationIsDisabled,
      };
      try {
        const member = await mx.createMember(input.userGuid, { institution_code: input.institutionCode, credentials, ...options }, { signal });
        return { ...toMemberState(member), reused: false };
      } catch (error) {
        if (!(error instanceof MxConflictError)) throw error;
        const existing = await findExistingMember(mx, input, signal);
        if (!existing) throw error;
        const member = await mx.updateMember(input.userGuid, existing.guid, { credentials, ...options }, { signal });
        return { ...toMemberState(member), reused: true };
      }
    },
  };
}

/**
 * Pairs each credential field with the caller's value. Keys match a field's name or label, ignoring
 * case. Errors name fields and keys, never values.
 */
export function matchCredentials(fields: CredentialField[], values: Record<string, string>): CredentialValue[] {
  if (fields.length === 0) throw invalidInput('ensureMember: the institution lists no credential fields (pass findInstitution().credentials)');
  const byKey = new Map(Object.entries(values).map(([key, value]) => [key.trim().toLowerCase(), { key, value }]));
  const used = new Set<string>();
  const missing: string[] = [];
  const matched: CredentialValue[] = [];
  for (const field of fields) {
    const names = [field.fieldName, field.label].filter((n): n is string => !!n).map((n) => n.toLowerCase());
    const name = names.find((n) => byKey.has(n));
    const entry = name === undefined ? undefined : byKey.get(name);
    if (!entry || typeof entry.value !== 'string' || entry.value === '') {
      missing.push(field.fieldName ?? field.label ?? field.guid);
      continue;
    }
    used.add(name!);
    matched.push({ guid: field.guid, value: entry.value });
  }
  const unknown = [...byKey.entries()].filter(([k]) => !used.has(k)).map(([, { key }]) => key);
  if (missing.length || unknown.length) {
    const problems = [
      missing.length ? `missing a value for ${missing.join(', ')}` : '',
      unknown.length ? `no credential field named ${unknown.join(', ')}` : '',
    ].filter(Boolean);
    const expected = fields.map((f) => f.fieldName ?? f.label ?? f.guid).join(', ');
    throw ApplicationFailure.create({
      message: `Credentials do not match the institution's fields (${expected}): ${problems.join('; ')}`,
      type: ACTIVITY_ERROR_TYPES.credentialsMismatch,
      nonRetryable: true,
    });
  }
  return matched;
}

/** The user's member at this institution; the one with the caller's partner id when there are several. */
async function findExistingMember(mx: MxClient, input: EnsureMemberInput, signal?: AbortSignal): Promise<MxMember | undefined> {
  const candidates: MxMember[] = [];
  for await (const member of mx.listMembers(input.userGuid, { signal })) {
    if (member.institution_code === input.institutionCode) candidates.push(member);
  }
  return candidates.find((m) => input.id && m.id === input.id) ?? candidates[0];
}
