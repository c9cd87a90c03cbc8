// The contract between the workflows and the activities. Workflows import this file type-only.
// Every activity is safe to run twice (Temporal runs activities at least once) and returns small
// values: records and PDFs go to storage, never through workflow history.

export interface CredentialField {
  guid: string;
  fieldName: string | null;
  label: string | null;
  type: string | null;
  displayOrder: number | null;
}

export interface Institution {
  code: string;
  name: string | null;
  supportsAccountStatement: boolean;
  credentials: CredentialField[];
}

/** The parts of MX's member / member status the workflows decide on. */
export interface MemberState {
  guid: string;
  connectionStatus: string | null;
  connectionStatusMessage: string | null;
  isBeingAggregated: boolean;
  aggregatedAt: string | null;
  successfullyAggregatedAt: string | null;
}

export type ChallengeType = 'TEXT' | 'OPTIONS' | 'TOKEN' | 'IMAGE_DATA' | 'IMAGE_OPTIONS';

/**
 * An MFA challenge as MX asked it: the activity's result, and as it is (workflows/messages.ts,
 * PendingChallenge) what the progress query and the support tool show. Never carries an answer.
 */
export interface Challenge {
  guid: string;
  label: string | null;
  fieldName: string | null;
  /** MX's type; unknown future types pass through as strings. */
  type: ChallengeType | string;
  /** IMAGE_DATA: a data URI or base64 image. */
  imageData?: string | null;
  options?: { label: string | null; value: string | null }[];
  imageOptions?: { label: string | null; value: string | null; dataUri: string | null }[];
}

export interface UserRef {
  userGuid: string;
}
export interface MemberRef extends UserRef {
  memberGuid: string;
}

export interface EnsureUserInput {
  /** Partner user id (MX `id`). */
  id: string;
  email?: string;
  metadata?: string;
}

export interface FindInstitutionInput {
  /** Exact institution code (e.g. "mxbank"); takes precedence over name. */
  code?: string;
  /** Name search when the code is not known. */
  name?: string;
  /** Statements guide: only institutions with supports_account_statement. */
  requireStatements: boolean;
}

export interface EnsureMemberInput extends UserRef {
  institutionCode: string;
  /** The institution's credential fields, from findInstitution. */
  credentialFields: CredentialField[];
  /** The end user's values, keyed by field name (LOGIN, PASSWORD) or label (Username, Password), case-insensitive. */
  credentials: Record<string, string>;
  id?: string;
  metadata?: string;
  skipAggregation: boolean;
  backgroundAggregationIsDisabled?: boolean;
}

export interface EnsureMemberResult extends MemberState {
  /** True when an existing member of the user was used: the one MX's 409 meant, or the one memberId names. */
  reused: boolean;
}

export interface StartJobInput extends MemberRef {
  /**
   * Whether a job ran when the run last read the member, just before asking for this start (in the
   * same workflow task). Given, the activity does not read the status again to tell a start from a
   * job already running; left out, it reads it.
   */
  wasBeingAggregated?: boolean;
}

export interface JobStart {
  /** False when MX answered 202 "a job of this type is already running". */
  started: boolean;
  member: MemberState;
}

export interface ExportInput extends MemberRef {
  /** YYYY-MM-DD, inclusive. */
  fromDate: string;
  toDate: string;
  /** Storage key prefix, e.g. "fetch-account-data/<user id>/<member guid>/<run id>". */
  keyPrefix: string;
}

export interface AccountSummary {
  guid: string;
  name: string | null;
  type: string | null;
  transactions: number;
}

export interface ExportResult {
  accountsKey: string;
  transactionsKey: string;
  accountCount: number;
  transactionCount: number;
  accounts: AccountSummary[];
}

export interface StatementInfo {
  guid: string;
  accountGuid: string | null;
  contentHash: string | null;
  createdAt: string | null;
}

export interface DownloadStatementInput extends MemberRef {
  statementGuid: string;
  /** MX's content_hash (SHA-256 hex); the download is verified against it. */
  contentHash: string | null;
  key: string;
}

export interface DownloadStatementsInput {
  member: MemberRef;
  /** In the order the results come back. */
  statements: Omit<DownloadStatementInput, keyof MemberRef>[];
  /** PDFs downloaded at once. */
  concurrency: number;
}

export interface StoredFile {
  key: string;
  bytes: number;
  sha256: string;
}

export interface DownloadStatementResult extends StoredFile {
  /** True when the same content was already stored and nothing was downloaded. */
  skipped: boolean;
}

export interface Activities {
  ensureUser(input: EnsureUserInput): Promise<{ guid: string; id: string; created: boolean }>;
  findInstitution(input: FindInstitutionInput): Promise<Institution>;
  ensureMember(input: EnsureMemberInput): Promise<EnsureMemberResult>;
  readMemberStatus(input: MemberRef): Promise<MemberState>;
  /** 409 "another job is running" fails with type MxJobConflict. */
  startAggregation(input: StartJobInput): Promise<JobStart>;
  /** 409 → MxJobConflict; 400 (institution lacks statements) → MxBadRequest. */
  startStatementsJob(input: StartJobInput): Promise<JobStart>;
  /** Empty when MX answers 204 (not challenged). */
  listChallenges(input: MemberRef): Promise<Challenge[]>;
  resumeMember(input: MemberRef & { answers: { guid: string; value: string }[] }): Promise<MemberState>;
  exportAccountsAndTransactions(input: ExportInput): Promise<ExportResult>;
  listStatements(input: MemberRef): Promise<StatementInfo[]>;
  downloadStatement(input: DownloadStatementInput): Promise<DownloadStatementResult>;
  /** Every given statement, `concurrency` at a time; results in the input's order. */
  downloadStatements(input: DownloadStatementsInput): Promise<DownloadStatementResult[]>;
  /** Writes a JSON document (the run manifest) to storage. */
  writeJson(input: { key: string; value: unknown }): Promise<StoredFile>;
}
