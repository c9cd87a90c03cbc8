// A typed client for the MX Platform API endpoints the two guides use (their steps in workflows/), in
// the guides' v20111101 vocabulary whichever version it talks: the version adapter (./versions) spells headers,
// bodies and query parameters for the version chosen. Every call takes an optional AbortSignal; lists
// are async iterators over every page. The shapes are in client-types.ts, the member calls in
// member-calls.ts, the plumbing they share in call-helpers.ts.
import { z } from 'zod';
import type { CallOptions, DateWindow, MxClient, MxClientOptions, PageOptions } from './client-types';
import { lister, must, pageReader, path, type ListCall } from './call-helpers';
import { createMxHttp, type MxHttp } from './http';
import { memberCalls } from './member-calls';
import { MAX_INSTITUTIONS_PER_PAGE, MAX_PER_PAGE } from './pagination';
import { DEFAULT_MX_API_VERSION, MX_API_VERSIONS, mxVersion, type MxVersion } from './versions';
import {
  accountSchema,
  bulkListEnvelope,
  credentialSchema,
  envelope,
  listEnvelope,
  statementSchema,
  transactionSchema,
  userSchema,
  type MxAccountRecord,
  type MxTransactionRecord,
} from './schemas';

export type * from './client-types';

const users = listEnvelope('users', userSchema);
const credentials = listEnvelope('credentials', credentialSchema);
const accounts = listEnvelope('accounts', accountSchema);
const transactions = listEnvelope('transactions', transactionSchema);
const statements = listEnvelope('statements', statementSchema);
// The export's pages are checked in bulk and stored as MX sent them (schemas.ts bulkListEnvelope).
const accountsPage = bulkListEnvelope<'accounts', MxAccountRecord>('accounts', ['name', 'type']);
const transactionsPage = bulkListEnvelope<'transactions', MxTransactionRecord>('transactions');
const user = envelope('user', userSchema);
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
      const readPage = pageReader(http, 'accounts', accountsPage, memberAccounts(userGuid, memberGuid, options));
      return await readPage(options.page, MAX_PER_PAGE);
    },
    async readTransactionsByAccountPage(userGuid, accountGuid, window, options: PageOptions) {
      const call = accountTransactions(userGuid, accountGuid, window, options);
      return await pageReader(http, 'transactions', transactionsPage, call)(options.page, MAX_PER_PAGE);
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
