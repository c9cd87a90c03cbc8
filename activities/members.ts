// Guide step "Create a member". The end user's values are matched to the institution's credential
// guids by field name or label. Every member gets a partner id: the caller's `memberId`, or one derived
// from the user, institution and credential values (member-id.ts). MX's 409 means "this user already has
// a member with these credentials here"; the member carrying the id is that member, and it is reused
// without writing credentials. When no member carries the id, the run stops: updating some other member
// of the user would overwrite its credentials.
import type { ApplicationFailure } from '@temporalio/common';
import { FAILURES } from '../src/failures/catalogue';
import { activityFailure } from '../src/failures/raise';
import { MxConflictError } from '../src/mx/errors';
import type { CredentialValue, MemberOptionsBody, MxClient } from '../src/mx/client';
import type { MxMember } from '../src/mx/schemas';
import type { ActivityDeps } from './deps';
import { activityContext, cancellation } from './context';
import { invalidInput } from './failures';
import { openSecrets } from './secrets';
import { toMemberState } from './mappers';
import { derivedMemberId, ephemeralMemberIdKeys } from './member-id';
import type { Activities, CredentialField, EnsureMemberInput, EnsureMemberResult } from './types';

export function memberActivities({ mx, secrets, memberIdKeys = ephemeralMemberIdKeys() }: ActivityDeps): Pick<Activities, 'ensureMember'> {
  return {
    async ensureMember(input) {
      if (!input?.userGuid || !input.institutionCode) throw invalidInput('ensureMember: userGuid and institutionCode are required');
      const credentials = matchCredentials(input.credentialFields ?? [], openSecrets(secrets, input.credentials ?? {}));
      const signal = cancellation();
      // The run's workflow id: MX repeats it on this member's webhooks, so the receiver wakes this run.
      const callbackPayload = activityContext()?.info.workflowExecution?.workflowId;
      // Current key first: a member found under a previous key is given the current id.
      const ids = input.id ? [input.id] : memberIdKeys.map((key) => derivedMemberId(key, { ...input, credentials }));
      const options: MemberOptionsBody = {
        id: ids[0],
        metadata: input.metadata,
        skip_aggregation: input.skipAggregation,
        background_aggregation_is_disabled: input.backgroundAggregationIsDisabled,
      };
      const reuse = async (
        member: MxMember,
        update: MemberOptionsBody & { credentials?: CredentialValue[] },
      ): Promise<EnsureMemberResult> => ({
        ...toMemberState(await mx.updateMember(input.userGuid, member.guid, update, { signal, callbackPayload })),
        reused: true,
      });
      // A member the caller names is theirs to update, new credentials included.
      const named = input.id ? await findMember(mx, input, ids, signal) : undefined;
      if (named) return await reuse(named, { credentials, ...options });
      try {
        const member = await mx.createMember(
          input.userGuid,
          { institution_code: input.institutionCode, credentials, ...options },
          { signal, callbackPayload },
        );
        return { ...toMemberState(member), reused: false };
      } catch (error) {
        if (!(error instanceof MxConflictError)) throw error;
        const existing = await findMember(mx, input, ids, signal);
        if (!existing) throw duplicateWithoutId(input);
        return await reuse(existing, options);
      }
    },
  };
}

/**
 * Pairs each credential field with the caller's value. Keys match a field's name or label, ignoring
 * case. Errors name fields and keys, never values.
 */
export function matchCredentials(fields: CredentialField[], values: Record<string, string>): CredentialValue[] {
  if (fields.length === 0)
    throw invalidInput('ensureMember: the institution lists no credential fields (pass findInstitution().credentials)');
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
    throw activityFailure(
      FAILURES.credentialsMismatch,
      `Credentials do not match the institution's fields (${expected}): ${problems.join('; ')}`,
    );
  }
  return matched;
}

/** The user's member at this institution carrying one of `ids`, in the order of `ids`. */
async function findMember(mx: MxClient, input: EnsureMemberInput, ids: string[], signal?: AbortSignal): Promise<MxMember | undefined> {
  const candidates: MxMember[] = [];
  for await (const member of mx.listMembers(input.userGuid, { signal })) {
    if (member.institution_code === input.institutionCode && member.id && ids.includes(member.id)) candidates.push(member);
  }
  return ids.map((id) => candidates.find((m) => m.id === id)).find((m) => m !== undefined);
}

/** MX's 409 names no member; without the id there is no telling which one it meant. */
function duplicateWithoutId(input: EnsureMemberInput): ApplicationFailure {
  const which = input.id ? `the memberId ${input.id}` : 'the id this project gives the members it creates';
  return activityFailure(
    FAILURES.duplicate,
    `MX answered 409: user ${input.userGuid} already has a member at ${input.institutionCode} with these credentials, ` +
      `but none of the user's members there carries ${which}, so none was updated. ` +
      "Pass that member's partner id as memberId, or delete the duplicate member at MX, then start again.",
  );
}
