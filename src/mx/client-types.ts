// The MX client's shapes: the request bodies and options in the guides' v20111101 vocabulary, and
// MxClient, the endpoints the two guides use. Apart from the implementation (client.ts) so the version
// adapters and the activities can name them without the client's code.
import type { ByteSink } from '../storage/types';
import type { MxConnectionOptions } from './http';
import type { Page } from './pagination';
import type { MxApiVersion } from './versions';
import type {
  MxAccount,
  MxAccountRecord,
  MxChallenge,
  MxCredential,
  MxInstitution,
  MxMember,
  MxMemberStatus,
  MxStatement,
  MxTransaction,
  MxTransactionRecord,
  MxUser,
} from './schemas';

export interface MxClientOptions extends MxConnectionOptions {
  /** The Platform API version to talk (MX_API_VERSION); v20111101 when absent. */
  apiVersion?: MxApiVersion;
}
export interface CallOptions {
  signal?: AbortSignal;
}

/** Member create/update: MX sends `callbackPayload` back as X-CALLBACK-PAYLOAD on this member's webhooks. */
export interface MemberCallOptions extends CallOptions {
  callbackPayload?: string;
}

export interface CredentialValue {
  guid: string;
  value: string;
}
export interface CreateUserBody {
  id?: string;
  email?: string;
  metadata?: string;
  is_disabled?: boolean;
}
export interface MemberOptionsBody {
  id?: string;
  metadata?: string;
  /** The statements guide's "no aggregation on create"; v20250224 says it with data_request.products. */
  skip_aggregation?: boolean;
  background_aggregation_is_disabled?: boolean;
  use_cases?: ('PFM' | 'MONEY_MOVEMENT')[];
}
export interface CreateMemberBody extends MemberOptionsBody {
  institution_code: string;
  credentials: CredentialValue[];
  is_oauth?: boolean;
}
export interface UpdateMemberBody extends MemberOptionsBody {
  credentials?: CredentialValue[];
}
export interface DateWindow {
  /** YYYY-MM-DD; MX defaults to 120 days ago. */
  fromDate?: string;
  /** YYYY-MM-DD; MX defaults to 5 days ahead. */
  toDate?: string;
}
export interface InstitutionSearch {
  name?: string;
  supportsAccountStatement?: boolean;
}
export interface StatementDownload {
  /** Bytes pushed into the sink. */
  bytes: number;
  contentLength: number | null;
}

/** For exports that store and checkpoint each page before asking for the next. */
export interface PageOptions extends CallOptions {
  /** 1-based; read `isLastPage` on the answer to know when to stop. */
  page: number;
}

export interface DownloadOptions extends CallOptions {
  /** Where the PDF bytes go, pushed as they arrive (a storage ObjectWriter). */
  into: ByteSink;
  /** Ask only for the bytes from this offset on, to resume a cut download (`Range`). */
  from?: number;
  /** Called once MX has answered: the Content-Length when it sent one, and where the body starts (0 or `from`). */
  onStart?: (contentLength: number | null, offset: number) => void;
}

export interface MxClient {
  createUser(user: CreateUserBody, options?: CallOptions): Promise<MxUser>;
  listUsers(filter?: { id?: string; email?: string }, options?: CallOptions): AsyncGenerator<MxUser>;
  readUser(userGuid: string, options?: CallOptions): Promise<MxUser>;
  listInstitutions(search: InstitutionSearch, options?: CallOptions): AsyncGenerator<MxInstitution>;
  readInstitution(institutionCode: string, options?: CallOptions): Promise<MxInstitution>;
  listInstitutionCredentials(institutionCode: string, options?: CallOptions): AsyncGenerator<MxCredential>;
  /** MX answers 200 (no job started), 202 (aggregation requested) or, in v20250224, 201 (a product failed). */
  createMember(userGuid: string, member: CreateMemberBody, options?: MemberCallOptions): Promise<MxMember>;
  readMember(userGuid: string, memberGuid: string, options?: CallOptions): Promise<MxMember>;
  updateMember(userGuid: string, memberGuid: string, member: UpdateMemberBody, options?: MemberCallOptions): Promise<MxMember>;
  listMembers(userGuid: string, options?: CallOptions): AsyncGenerator<MxMember>;
  readMemberStatus(userGuid: string, memberGuid: string, options?: CallOptions): Promise<MxMemberStatus>;
  /** 202 whether or not a new job started; 409 (MxConflictError kind "job") when another job type runs. */
  aggregateMember(userGuid: string, memberGuid: string, options?: CallOptions): Promise<MxMember>;
  /** Empty when MX answers 204 (the member is not challenged). */
  listMemberChallenges(userGuid: string, memberGuid: string, options?: CallOptions): Promise<MxChallenge[]>;
  resumeAggregation(userGuid: string, memberGuid: string, answers: CredentialValue[], options?: CallOptions): Promise<MxMember>;
  fetchStatements(userGuid: string, memberGuid: string, options?: CallOptions): Promise<MxMember>;
  listMemberAccounts(userGuid: string, memberGuid: string, options?: CallOptions): AsyncGenerator<MxAccount>;
  listTransactionsByAccount(
    userGuid: string,
    accountGuid: string,
    window: DateWindow,
    options?: CallOptions,
  ): AsyncGenerator<MxTransaction>;
  /** One page of `listMemberAccounts`, at MX's largest page size. */
  readMemberAccountsPage(userGuid: string, memberGuid: string, options: PageOptions): Promise<Page<MxAccountRecord>>;
  /** One page of `listTransactionsByAccount`, at MX's largest page size. */
  readTransactionsByAccountPage(
    userGuid: string,
    accountGuid: string,
    window: DateWindow,
    options: PageOptions,
  ): Promise<Page<MxTransactionRecord>>;
  listTransactionsByMember(userGuid: string, memberGuid: string, window: DateWindow, options?: CallOptions): AsyncGenerator<MxTransaction>;
  listStatements(userGuid: string, memberGuid: string, options?: CallOptions): AsyncGenerator<MxStatement>;
  readStatement(userGuid: string, memberGuid: string, statementGuid: string, options?: CallOptions): Promise<MxStatement>;
  /** Pushes the PDF into `options.into`; resolves once every byte was taken. */
  downloadStatementPdf(userGuid: string, memberGuid: string, statementGuid: string, options: DownloadOptions): Promise<StatementDownload>;
}
