// A typed client for the MX Platform API endpoints the two guides use (their steps in workflows/), in
// the guides' v20111101 vocabulary whichever version it talks: the version adapter (./versions) spells headers,
// bodies and query parameters for the version chosen. Every call takes an optional AbortSignal; lists
// are async iterators over every page. The shapes are in client-types.ts.
import { z } from 'zod';
import type { CallOptions, CredentialValue, DateWindow, MemberCallOptions, MxClient, MxClientOptions, PageOptions } from './client-types';
import { createMxHttp, type MxHttp, type Query } from './http';
import { MAX_INSTITUTIONS_PER_PAGE, MAX_PER_PAGE, paginate, type Page } from './pagination';
import { DEFAULT_MX_API_VERSION, MX_API_VERSIONS, mxVersion, type MxVersion } from './versions';
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
  type MxTransaction,
} from './schemas';

export type * from './client-types';

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

/** One GET of a list endpoint: which endpoint, where, with which filters. */
interface ListCall {
  endpoint: string;
  path: string;
  query?: Query;
  signal?: AbortSignal;
}

type ListSchema<K extends string, T> = z.ZodType<{ [P in K]: T[] } & { pagination: Page<T>['pagination'] }>;

/**
 * One list endpoint as an async iterator over all of its pages. The call is built lazily, so a bad
 * identifier surfaces from the first `next()` like any other failure.
 */
async function* lister<K extends string, T>(
  http: MxHttp,
  key: K,
  schema: ListSchema<K, T>,
  build: () => ListCall,
  perPage?: number,
): AsyncGenerator<T> {
  yield* paginate(pageReader(http, key, schema, build()), perPage);
}

/** Reads one page of a list endpoint. */
function pageReader<K extends string, T>(
  http: MxHttp,
  key: K,
  schema: ListSchema<K, T>,
  call: ListCall,
): (page: number, perPage: number) => Promise<Page<T>> {
  return async (page, recordsPerPage) => {
    const query = { ...call.query, page, records_per_page: recordsPerPage };
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
    async createUser(body, options) {
      const call = {
        endpoint: 'createUser',
        method: 'POST',
        path: '/users',
        body: { user: body },
        schema: user,
        signal: options?.signal,
      } as const;
      return (await must(http.json(call))).user;
    },
    listUsers(filter = {}, options) {
      const query = { id: filter.id, email: filter.email };
      return lister(http, 'users', users, () => ({ endpoint: 'listUsers', path: '/users', query, signal: options?.signal }));
    },
    async readUser(userGuid, options) {
      const call = { endpoint: 'readUser', method: 'GET', path: path`/users/${userGuid}`, schema: user, signal: options?.signal } as const;
      return (await must(http.json(call))).user;
    },
  };
}

function institutionCalls(
  http: MxHttp,
  version: MxVersion,
): Pick<MxClient, 'listInstitutions' | 'readInstitution' | 'listInstitutionCredentials'> {
  const institutions = listEnvelope('institutions', version.institution);
  const institution = envelope('institution', version.institution);
  return {
    listInstitutions(search, options) {
      const call = () => ({
        endpoint: 'listInstitutions',
        path: '/institutions',
        query: version.institutionQuery(search),
        signal: options?.signal,
      });
      return lister(http, 'institutions', institutions, call, MAX_INSTITUTIONS_PER_PAGE);
    },
    async readInstitution(institutionCode, options) {
      const at = path`/institutions/${institutionCode}`;
      return (await must(http.json({ endpoint: 'readInstitution', method: 'GET', path: at, schema: institution, signal: options?.signal })))
        .institution;
    },
    listInstitutionCredentials(institutionCode, options) {
      const call = () => ({
        endpoint: 'listInstitutionCredentials',
        path: path`/institutions/${institutionCode}/credentials`,
        signal: options?.signal,
      });
      return lister(http, 'credentials', credentials, call);
    },
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

/** A call that answers with one member. */
interface MemberRequest {
  endpoint: string;
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  body?: unknown;
  /** Values that must never appear in an error or log (credentials, MFA answers). */
  secrets?: string[];
  /** What a 409 means for this call. */
  conflict?: 'job' | 'duplicate';
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

function memberCalls(http: MxHttp, version: MxVersion): MemberCalls {
  const memberPath = (userGuid: string, memberGuid: string, tail = '') => path`/users/${userGuid}/members/${memberGuid}` + tail;
  const sendForMember = async (request: MemberRequest) => (await must(http.json({ ...request, schema: member }))).member;
  const secretValues = (list: CredentialValue[] | undefined) => (list ?? []).map((credential) => credential.value);

  return {
    async createMember(userGuid, body, options) {
      return await sendForMember({
        endpoint: 'createMember',
        method: 'POST',
        path: path`/users/${userGuid}/members`,
        body: version.createMemberBody(body),
        secrets: secretValues(body.credentials),
        conflict: 'duplicate',
        signal: options?.signal,
        headers: callbackHeader(options),
      });
    },
    async readMember(userGuid, memberGuid, options) {
      return await sendForMember({
        endpoint: 'readMember',
        method: 'GET',
        path: memberPath(userGuid, memberGuid),
        signal: options?.signal,
      });
    },
    async updateMember(userGuid, memberGuid, body, options) {
      return await sendForMember({
        endpoint: 'updateMember',
        method: 'PUT',
        path: memberPath(userGuid, memberGuid),
        body: version.updateMemberBody(body),
        secrets: secretValues(body.credentials),
        conflict: 'duplicate',
        signal: options?.signal,
        headers: callbackHeader(options),
      });
    },
    listMembers(userGuid, options) {
      return lister(http, 'members', members, () => ({
        endpoint: 'listMembers',
        path: path`/users/${userGuid}/members`,
        signal: options?.signal,
      }));
    },
    async readMemberStatus(userGuid, memberGuid, options) {
      const at = memberPath(userGuid, memberGuid, '/status');
      return (
        await must(http.json({ endpoint: 'readMemberStatus', method: 'GET', path: at, schema: memberStatus, signal: options?.signal }))
      ).member;
    },
    async aggregateMember(userGuid, memberGuid, options) {
      const at = memberPath(userGuid, memberGuid, '/aggregate');
      return await sendForMember({ endpoint: 'aggregateMember', method: 'POST', path: at, conflict: 'job', signal: options?.signal });
    },
    async fetchStatements(userGuid, memberGuid, options) {
      const at = memberPath(userGuid, memberGuid, '/fetch_statements');
      return await sendForMember({ endpoint: 'fetchStatements', method: 'POST', path: at, conflict: 'job', signal: options?.signal });
    },
    async resumeAggregation(userGuid, memberGuid, answers, options) {
      return await sendForMember({
        endpoint: 'resumeAggregation',
        method: 'PUT',
        path: memberPath(userGuid, memberGuid, '/resume'),
        body: { member: { challenges: answers } },
        secrets: secretValues(answers),
        signal: options?.signal,
      });
    },
    async listMemberChallenges(userGuid, memberGuid, options) {
      const call = { endpoint: 'listMemberChallenges', path: memberPath(userGuid, memberGuid, '/challenges'), signal: options?.signal };
      // 204 (not challenged) is an empty list, so this reads its pages itself rather than with `lister`.
      const pages = paginate(async (page, recordsPerPage) => {
        const query = { page, records_per_page: recordsPerPage };
        const { data } = await http.json({ ...call, method: 'GET', query, schema: challenges, allowNoContent: true });
        return data ? { items: data.challenges, pagination: data.pagination } : { items: [], pagination: emptyPagination };
      });
      const all: MxChallenge[] = [];
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
  const memberAccounts = (userGuid: string, memberGuid: string, options?: CallOptions): ListCall => ({
    endpoint: 'listMemberAccounts',
    path: path`/users/${userGuid}/members/${memberGuid}/accounts`,
    signal: options?.signal,
  });
  const accountTransactions = (userGuid: string, accountGuid: string, window: DateWindow, options?: CallOptions): ListCall => ({
    endpoint: 'listTransactionsByAccount',
    path: path`/users/${userGuid}/accounts/${accountGuid}/transactions`,
    query: version.transactionWindow(window),
    signal: options?.signal,
  });
  const statementPath = (userGuid: string, memberGuid: string, statementGuid: string, suffix = '') =>
    path`/users/${userGuid}/members/${memberGuid}/statements/${statementGuid}` + suffix;

  return {
    listMemberAccounts(userGuid, memberGuid, options) {
      return lister(http, 'accounts', accounts, () => memberAccounts(userGuid, memberGuid, options));
    },
    listTransactionsByAccount(userGuid, accountGuid, window, options) {
      return lister(http, 'transactions', transactions, () => accountTransactions(userGuid, accountGuid, window, options));
    },
    async readMemberAccountsPage(userGuid, memberGuid, options: PageOptions) {
      const readPage = pageReader<'accounts', MxAccount>(http, 'accounts', accounts, memberAccounts(userGuid, memberGuid, options));
      return await readPage(options.page, MAX_PER_PAGE);
    },
    async readTransactionsByAccountPage(userGuid, accountGuid, window, options: PageOptions) {
      const call = accountTransactions(userGuid, accountGuid, window, options);
      return await pageReader<'transactions', MxTransaction>(http, 'transactions', transactions, call)(options.page, MAX_PER_PAGE);
    },
    listTransactionsByMember(userGuid, memberGuid, window, options) {
      return lister(http, 'transactions', transactions, () => ({
        endpoint: 'listTransactionsByMember',
        path: path`/users/${userGuid}/members/${memberGuid}/transactions`,
        query: version.transactionWindow(window),
        signal: options?.signal,
      }));
    },
    listStatements(userGuid, memberGuid, options) {
      const call = () => ({
        endpoint: 'listStatementsByMember',
        path: path`/users/${userGuid}/members/${memberGuid}/statements`,
        signal: options?.signal,
      });
      return lister(http, 'statements', statements, call);
    },
    async readStatement(userGuid, memberGuid, statementGuid, options) {
      const at = statementPath(userGuid, memberGuid, statementGuid);
      return (
        await must(http.json({ endpoint: 'readStatementByMember', method: 'GET', path: at, schema: statement, signal: options?.signal }))
      ).statement;
    },
    async downloadStatementPdf(userGuid, memberGuid, statementGuid, options) {
      const at = statementPath(userGuid, memberGuid, statementGuid, '.pdf');
      const request = {
        endpoint: 'downloadStatementPDF',
        method: 'GET',
        path: at,
        signal: options.signal,
        from: options.from,
        onStart: options.onStart,
      } as const;
      return await http.download(request, options.into);
    },
  };
}

/** MX's header for the value it repeats on the member's webhooks. */
function callbackHeader(options: MemberCallOptions | undefined): Record<string, string> | undefined {
  return options?.callbackPayload ? { 'x-callback-payload': options.callbackPayload } : undefined;
}
