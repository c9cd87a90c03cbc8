// A typed client for the MX Platform API endpoints the two guides use (their steps in workflows/), in
// the guides' v20111101 vocabulary whichever version it talks: the version adapter (./versions) spells headers,
// bodies and query parameters for the version chosen. Every call takes an optional AbortSignal; lists
// are async iterators over every page.
import type { ByteSink } from '../storage/types';
import { z } from 'zod';
import { createMxHttp, type MxConnectionOptions, type MxHttp, type Query } from './http';
import { MAX_INSTITUTIONS_PER_PAGE, MAX_PER_PAGE, paginate, type Page } from './pagination';
import { DEFAULT_MX_API_VERSION, MX_API_VERSIONS, mxVersion, type MxApiVersion, type MxVersion } from './versions';
import {
  accountSchema,
  challengeSchema,
  credentialSchema,
  envelope,
  listEnvelope,
  memberSchema,
  memberStatusSchema,
  statementSchema,
  transactionSchema,
  userSchema,
  type MxAccount,
  type MxChallenge,
  type MxCredential,
  type MxInstitution,
  type MxMember,
  type MxMemberStatus,
  type MxStatement,
  type MxTransaction,
  type MxUser,
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
  listTransactionsByAccount(userGuid: string, accountGuid: string, window: DateWindow, options?: CallOptions): AsyncGenerator<MxTransaction>;
  /** One page of `listMemberAccounts`, at MX's largest page size. */
  readMemberAccountsPage(userGuid: string, memberGuid: string, options: PageOptions): Promise<Page<MxAccount>>;
  /** One page of `listTransactionsByAccount`, at MX's largest page size. */
  readTransactionsByAccountPage(userGuid: string, accountGuid: string, window: DateWindow, options: PageOptions): Promise<Page<MxTransaction>>;
  listTransactionsByMember(userGuid: string, memberGuid: string, window: DateWindow, options?: CallOptions): AsyncGenerator<MxTransaction>;
  listStatements(userGuid: string, memberGuid: string, options?: CallOptions): AsyncGenerator<MxStatement>;
  readStatement(userGuid: string, memberGuid: string, statementGuid: string, options?: CallOptions): Promise<MxStatement>;
  /** Pushes the PDF into `options.into`; resolves once every byte was taken. */
  downloadStatementPdf(userGuid: string, memberGuid: string, statementGuid: string, options: DownloadOptions): Promise<StatementDownload>;
}

const users = listEnvelope('users', userSchema);
const credentials = listEnvelope('credentials', credentialSchema);
const members = listEnvelope('members', memberSchema);
const challenges = listEnvelope('challenges', challengeSchema);
const accounts = listEnvelope('accounts', accountSchema);
const transactions = listEnvelope('transactions', transactionSchema);
const statements = listEnvelope('statements', statementSchema);
const user = envelope('user', userSchema);
const member = envelope('member', memberSchema);
const memberStatus = envelope('member', memberStatusSchema);
const statement = envelope('statement', statementSchema);

const optionsSchema = z.object({
  baseUrl: z.url({ protocol: /^https?$/, error: 'baseUrl must be an http(s) URL' }),
  clientId: z.string().min(1, 'clientId is required'),
  apiKey: z.string().min(1, 'apiKey is required'),
  timeoutMs: z.number().int().positive('timeoutMs must be a positive integer'),
  apiVersion: z.enum(MX_API_VERSIONS, { error: `apiVersion must be one of ${MX_API_VERSIONS.join(', ')}` }).optional(),
});

export function createMxClient(options: MxClientOptions): MxClient {
  const checked = optionsSchema.safeParse(options);
  if (!checked.success) {
    // zod echoes no input values for these checks, so the API key cannot leak here.
    throw new TypeError(`Invalid MX client options: ${checked.error.issues.map((i) => i.message).join('; ')}`);
  }
  const version = mxVersion(checked.data.apiVersion ?? DEFAULT_MX_API_VERSION);
  const http = createMxHttp(options, { json: version.jsonHeaders, pdf: version.pdfHeaders });
  return { ...userCalls(http), ...institutionCalls(http, version), ...memberCalls(http, version), ...dataCalls(http, version) };
}

/** Builds a path, percent-encoding each identifier and refusing empty ones. */
function path(strings: TemplateStringsArray, ...ids: string[]): string {
  return strings.reduce((out, part, i) => {
    if (i >= ids.length) return out + part;
    const id = ids[i];
    if (!id) throw new TypeError(`MX path ${strings.join('{}')}: identifier ${i + 1} is empty`);
    return out + part + encodeURIComponent(id);
  }, '');
}

const emptyPagination = { current_page: 1, per_page: 0, total_entries: 0, total_pages: 0 };

/**
 * One list endpoint as an async iterator over all of its pages. The call is built lazily, so a bad
 * identifier surfaces from the first `next()` like any other failure.
 */
async function* lister<K extends string, T>(
  http: MxHttp,
  key: K,
  schema: z.ZodType<{ [P in K]: T[] } & { pagination: Page<T>['pagination'] }>,
  build: () => { endpoint: string; path: string; query?: Query; signal?: AbortSignal },
  perPage?: number,
): AsyncGenerator<T> {
  yield* paginate(pageReader(http, key, schema, build()), perPage);
}

/** Reads one page of a list endpoint. */
function pageReader<K extends string, T>(
  http: MxHttp,
  key: K,
  schema: z.ZodType<{ [P in K]: T[] } & { pagination: Page<T>['pagination'] }>,
  call: { endpoint: string; path: string; query?: Query; signal?: AbortSignal },
): (page: number, perPage: number) => Promise<Page<T>> {
  return async (page, records) => {
    const query = { ...call.query, page, records_per_page: records };
    const { data } = await http.json({ ...call, method: 'GET', query, schema });
    if (!data) return { items: [], pagination: emptyPagination };
    return { items: data[key], pagination: data.pagination };
  };
}

/** For calls whose success always has a body. */
async function must<T>(result: Promise<{ data: T | null }>): Promise<T> {
  const { data } = await result;
  return data as T;
}

function userCalls(http: MxHttp): Pick<MxClient, 'createUser' | 'listUsers' | 'readUser'> {
  return {
    createUser: async (body, o) =>
      (await must(http.json({ endpoint: 'createUser', method: 'POST', path: '/users', body: { user: body }, schema: user, signal: o?.signal }))).user,
    listUsers: (filter = {}, o) =>
      lister(http, 'users', users, () => ({ endpoint: 'listUsers', path: '/users', query: { id: filter.id, email: filter.email }, signal: o?.signal })),
    readUser: async (userGuid, o) =>
      (await must(http.json({ endpoint: 'readUser', method: 'GET', path: path`/users/${userGuid}`, schema: user, signal: o?.signal }))).user,
  };
}

function institutionCalls(http: MxHttp, version: MxVersion): Pick<MxClient, 'listInstitutions' | 'readInstitution' | 'listInstitutionCredentials'> {
  const institutions = listEnvelope('institutions', version.institution);
  const institution = envelope('institution', version.institution);
  return {
    listInstitutions: (search, o) =>
      lister(
        http,
        'institutions',
        institutions,
        () => ({
          endpoint: 'listInstitutions',
          path: '/institutions',
          query: version.institutionQuery(search),
          signal: o?.signal,
        }),
        MAX_INSTITUTIONS_PER_PAGE,
      ),
    readInstitution: async (code, o) =>
      (await must(http.json({ endpoint: 'readInstitution', method: 'GET', path: path`/institutions/${code}`, schema: institution, signal: o?.signal })))
        .institution,
    listInstitutionCredentials: (code, o) =>
      lister(http, 'credentials', credentials, () => ({
        endpoint: 'listInstitutionCredentials',
        path: path`/institutions/${code}/credentials`,
        signal: o?.signal,
      })),
  };
}

type MemberCalls = Pick<
  MxClient,
  | 'createMember'
  | 'readMember'
  | 'updateMember'
  | 'listMembers'
  | 'readMemberStatus'
  | 'aggregateMember'
  | 'fetchStatements'
  | 'resumeAggregation'
  | 'listMemberChallenges'
>;

function memberCalls(http: MxHttp, version: MxVersion): MemberCalls {
  const memberPath = (u: string, m: string, tail = '') => path`/users/${u}/members/${m}` + tail;
  const send = async (endpoint: string, method: 'GET' | 'POST' | 'PUT', at: string, extra: { body?: unknown; secrets?: string[]; conflict?: 'job' | 'duplicate'; signal?: AbortSignal; headers?: Record<string, string> }) =>
    (await must(http.json({ endpoint, method, path: at, schema: member, ...extra }))).member;
  const values = (list: CredentialValue[] | undefined) => (list ?? []).map((c) => c.value);

  return {
    createMember: async (u, body, o) =>
      send('createMember', 'POST', path`/users/${u}/members`, { body: version.createMemberBody(body), secrets: values(body.credentials), conflict: 'duplicate', signal: o?.signal, headers: callbackHeader(o) }),
    readMember: async (u, m, o) => send('readMember', 'GET', memberPath(u, m), { signal: o?.signal }),
    updateMember: async (u, m, body, o) =>
      send('updateMember', 'PUT', memberPath(u, m), { body: version.updateMemberBody(body), secrets: values(body.credentials), conflict: 'duplicate', signal: o?.signal, headers: callbackHeader(o) }),
    listMembers: (u, o) => lister(http, 'members', members, () => ({ endpoint: 'listMembers', path: path`/users/${u}/members`, signal: o?.signal })),
    readMemberStatus: async (u, m, o) =>
      (await must(http.json({ endpoint: 'readMemberStatus', method: 'GET', path: memberPath(u, m, '/status'), schema: memberStatus, signal: o?.signal })))
        .member,
    aggregateMember: async (u, m, o) => send('aggregateMember', 'POST', memberPath(u, m, '/aggregate'), { conflict: 'job', signal: o?.signal }),
    fetchStatements: async (u, m, o) => send('fetchStatements', 'POST', memberPath(u, m, '/fetch_statements'), { conflict: 'job', signal: o?.signal }),
    resumeAggregation: async (u, m, answers, o) =>
      send('resumeAggregation', 'PUT', memberPath(u, m, '/resume'), { body: { member: { challenges: answers } }, secrets: values(answers), signal: o?.signal }),
    listMemberChallenges: async (u, m, o) => {
      const all: MxChallenge[] = [];
      const call = { endpoint: 'listMemberChallenges', path: memberPath(u, m, '/challenges'), signal: o?.signal };
      const pages = paginate(async (page, records) => {
        const { data } = await http.json({ ...call, method: 'GET', query: { page, records_per_page: records }, schema: challenges, allowNoContent: true });
        return data ? { items: data.challenges, pagination: data.pagination } : { items: [], pagination: emptyPagination };
      });
      for await (const challenge of pages) all.push(challenge);
      return all;
    },
  };
}

type DataCalls = Pick<
  MxClient,
  | 'listMemberAccounts'
  | 'listTransactionsByAccount'
  | 'readMemberAccountsPage'
  | 'readTransactionsByAccountPage'
  | 'listTransactionsByMember'
  | 'listStatements'
  | 'readStatement'
  | 'downloadStatementPdf'
>;

function dataCalls(http: MxHttp, version: MxVersion): DataCalls {
  const memberAccounts = (u: string, m: string, o?: CallOptions) => ({
    endpoint: 'listMemberAccounts',
    path: path`/users/${u}/members/${m}/accounts`,
    signal: o?.signal,
  });
  const accountTransactions = (u: string, a: string, w: DateWindow, o?: CallOptions) => ({
    endpoint: 'listTransactionsByAccount',
    path: path`/users/${u}/accounts/${a}/transactions`,
    query: version.transactionWindow(w),
    signal: o?.signal,
  });
  return {
    listMemberAccounts: (u, m, o) => lister(http, 'accounts', accounts, () => memberAccounts(u, m, o)),
    listTransactionsByAccount: (u, a, w, o) => lister(http, 'transactions', transactions, () => accountTransactions(u, a, w, o)),
    readMemberAccountsPage: async (u, m, o) => pageReader<'accounts', MxAccount>(http, 'accounts', accounts, memberAccounts(u, m, o))(o.page, MAX_PER_PAGE),
    readTransactionsByAccountPage: async (u, a, w, o) =>
      pageReader<'transactions', MxTransaction>(http, 'transactions', transactions, accountTransactions(u, a, w, o))(o.page, MAX_PER_PAGE),
    listTransactionsByMember: (u, m, w, o) =>
      lister(http, 'transactions', transactions, () => ({
        endpoint: 'listTransactionsByMember',
        path: path`/users/${u}/members/${m}/transactions`,
        query: version.transactionWindow(w),
        signal: o?.signal,
      })),
    listStatements: (u, m, o) =>
      lister(http, 'statements', statements, () => ({ endpoint: 'listStatementsByMember', path: path`/users/${u}/members/${m}/statements`, signal: o?.signal })),
    readStatement: async (u, m, s, o) =>
      (
        await must(
          http.json({ endpoint: 'readStatementByMember', method: 'GET', path: path`/users/${u}/members/${m}/statements/${s}`, schema: statement, signal: o?.signal }),
        )
      ).statement,
    downloadStatementPdf: async (u, m, s, o) =>
      http.download(
        { endpoint: 'downloadStatementPDF', method: 'GET', path: path`/users/${u}/members/${m}/statements/${s}.pdf`, signal: o.signal, from: o.from, onStart: o.onStart },
        o.into,
      ),
  };
}

/** MX's header for the value it repeats on the member's webhooks. */
function callbackHeader(options: MemberCallOptions | undefined): Record<string, string> | undefined {
  return options?.callbackPayload ? { 'x-callback-payload': options.callbackPayload } : undefined;
}
