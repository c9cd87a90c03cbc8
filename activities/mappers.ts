// MX's snake_case objects → the small camelCase shapes of the activities contract (activities/types.ts).
import type { MxChallenge, MxCredential, MxInstitution, MxMember, MxMemberStatus, MxStatement } from '../src/mx/schemas';
import type { Challenge, CredentialField, Institution, MemberState, StatementInfo } from './types';

export function toMemberState(member: MxMember | MxMemberStatus, message?: string | null): MemberState {
  const own = (member as { connection_status_message?: unknown }).connection_status_message;
  return {
    guid: member.guid,
    connectionStatus: member.connection_status ?? null,
    connectionStatusMessage: message ?? (typeof own === 'string' ? own : null),
    isBeingAggregated: member.is_being_aggregated ?? false,
    aggregatedAt: member.aggregated_at ?? null,
    successfullyAggregatedAt: member.successfully_aggregated_at ?? null,
  };
}

export function toCredentialField(credential: MxCredential): CredentialField {
  return {
    guid: credential.guid,
    fieldName: credential.field_name ?? null,
    label: credential.label ?? null,
    type: credential.type ?? credential.field_type ?? null,
    displayOrder: credential.display_order ?? null,
  };
}

export function toInstitution(institution: MxInstitution, credentials: MxCredential[]): Institution {
  return {
    code: institution.code,
    name: institution.name ?? null,
    supportsAccountStatement: institution.supports_account_statement === true,
    credentials: credentials.map(toCredentialField).sort((a, b) => (a.displayOrder ?? 0) - (b.displayOrder ?? 0)),
  };
}

export function toChallenge(challenge: MxChallenge): Challenge {
  const result: Challenge = {
    guid: challenge.guid,
    label: challenge.label ?? null,
    fieldName: challenge.field_name ?? null,
    type: challenge.type ?? 'TEXT',
  };
  if (challenge.image_data != null) result.imageData = challenge.image_data;
  if (challenge.options?.length) {
    result.options = challenge.options.map((o) => ({ label: o.label ?? null, value: o.value ?? null }));
  }
  if (challenge.image_options?.length) {
    result.imageOptions = challenge.image_options.map((o) => ({
      label: o.label ?? null,
      value: o.value ?? null,
      dataUri: o.data_uri ?? null,
    }));
  }
  return result;
}

export function toStatementInfo(statement: MxStatement): StatementInfo {
  return {
    guid: statement.guid,
    accountGuid: statement.account_guid ?? null,
    contentHash: statement.content_hash ?? null,
    createdAt: statement.created_at ?? null,
  };
}
