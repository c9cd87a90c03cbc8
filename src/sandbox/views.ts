// Objects as MX returns them (MemberResponse, MemberStatusResponse, UserResponse, StatementResponse).
import { challengeView } from './challenges';
import { findInstitution } from './institutions';
import { NEEDS_NEW_CREDENTIALS, STATUS_MESSAGES } from './mx-bank';
import type { Member, Statement, User } from './store';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function userView(user: User): Record<string, unknown> {
  return { email: user.email, guid: user.guid, id: user.id, is_disabled: user.is_disabled, metadata: user.metadata };
}

export function memberView(member: Member, userId: string | null): Record<string, unknown> {
  const institution = findInstitution(member.institutionCode);
  return {
    aggregated_at: iso(member.aggregatedAt),
    background_aggregation_is_disabled: member.backgroundAggregationIsDisabled,
    connection_status: member.connectionStatus,
    connection_status_message: STATUS_MESSAGES[member.connectionStatus] ?? null,
    guid: member.guid,
    id: member.id,
    institution_code: member.institutionCode,
    institution_guid: institution?.guid ?? '',
    is_being_aggregated: member.job !== null,
    is_managed_by_user: false,
    is_manual: false,
    is_oauth: false,
    metadata: member.metadata,
    most_recent_job_detail_code: null,
    most_recent_job_detail_text: null,
    // The spec types this boolean; MX sends the job guid (a known spec error, see README).
    most_recent_job_guid: member.mostRecentJobGuid,
    name: institution?.name ?? null,
    needs_updated_credentials: NEEDS_NEW_CREDENTIALS.has(member.connectionStatus),
    oauth_window_uri: null,
    successfully_aggregated_at: iso(member.successfullyAggregatedAt),
    use_cases: member.useCases,
    user_guid: member.userGuid,
    user_id: userId,
  };
}

export function memberStatusView(member: Member, challengeLabel: string | undefined): Record<string, unknown> {
  const processed = member.accounts !== null;
  const view: Record<string, unknown> = {
    aggregated_at: iso(member.aggregatedAt),
    connection_status: member.connectionStatus,
    guid: member.guid,
    has_processed_account_numbers: processed,
    has_processed_accounts: processed,
    has_processed_transactions: processed,
    is_authenticated: member.isAuthenticated,
    is_being_aggregated: member.job !== null,
    successfully_aggregated_at: iso(member.successfullyAggregatedAt),
  };
  if (member.connectionStatus === 'CHALLENGED' && member.job) {
    view.challenges = member.job.challenges.map((challenge) => challengeView(challenge, challengeLabel));
  }
  return view;
}

export function statementUri(statement: Statement): string {
  return `/users/${statement.userGuid}/members/${statement.memberGuid}/statements/${statement.guid}.pdf`;
}

export function statementView(statement: Statement, contentHash: string): Record<string, unknown> {
  const at = iso(statement.createdAt);
  return {
    account_guid: statement.accountGuid,
    content_hash: contentHash,
    created_at: at,
    guid: statement.guid,
    member_guid: statement.memberGuid,
    updated_at: at,
    uri: statementUri(statement),
    user_guid: statement.userGuid,
  };
}
