// Accounts by user and by member, and the three transaction lists (by user, member, account).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { MxApiVersion } from '../../mx/versions/types';
import { queryBoolean } from '../body';
import { accountView } from '../accounts';
import { badRequest, notFound } from '../errors';
import { MAX_PER_PAGE, paginate, parsePageRequest } from '../pagination';
import type { SandboxState } from '../state';
import type { Account, ClientStore, Member } from '../store';
import { dayNumber, listTransactions, parseIsoDate, type TransactionQuery } from '../transactions';
import { versionOf } from '../wire';
import type { Params, Query, RouteContext } from './context';

const MEMBER = '/users/:user_guid/members/:member_guid';

export function registerAccountRoutes(app: FastifyInstance, { state, storeOf }: RouteContext): void {
  const accountsOfUser = (store: ClientStore, userGuid: string): Account[] =>
    store.membersOf(userGuid).flatMap((m) => state.member(store, userGuid, m.guid).accounts ?? []);

  const view = (store: ClientStore, account: Account) =>
    accountView(
      state.settings.seed,
      account,
      store.members.get(account.memberGuid)!,
      store.users.get(account.userGuid)?.id ?? null,
      state.transactionContext(store, account.userGuid),
    );

  const findAccount = (accounts: Account[], guid: string): Account => {
    const account = accounts.find((a) => a.guid === guid);
    if (!account) throw notFound(`account ${guid} was not found`);
    return account;
  };

  app.get('/users/:user_guid/accounts', async (request) => {
    const store = storeOf(request);
    const { user_guid } = request.params as Params;
    state.user(store, user_guid!);
    const query = request.query as Query;
    const page = parsePageRequest(query, MAX_PER_PAGE.default);
    // Every sandbox account is aggregated (not manual) and partner-managed.
    const manual = queryBoolean(query, 'is_manual');
    const managedByUser = queryBoolean(query, 'member_is_managed_by_user');
    const accounts = manual === true || managedByUser === true ? [] : accountsOfUser(store, user_guid!);
    const { items, pagination } = paginate(accounts, page);
    return { accounts: items.map((a) => view(store, a)), pagination };
  });

  app.get('/users/:user_guid/accounts/:account_guid', async (request) => {
    const store = storeOf(request);
    const { user_guid, account_guid } = request.params as Params;
    state.user(store, user_guid!);
    return { account: view(store, findAccount(accountsOfUser(store, user_guid!), account_guid!)) };
  });

  app.get(`${MEMBER}/accounts`, async (request) => {
    const store = storeOf(request);
    const member = memberOf(state, store, request.params as Params);
    const query = request.query as Query;
    const page = parsePageRequest(query, MAX_PER_PAGE.default);
    const accounts = queryBoolean(query, 'member_is_managed_by_user') === true ? [] : (member.accounts ?? []);
    const { items, pagination } = paginate(accounts, page);
    return { accounts: items.map((a) => view(store, a)), pagination };
  });

  app.get(`${MEMBER}/accounts/:account_guid`, async (request) => {
    const store = storeOf(request);
    const params = request.params as Params;
    const member = memberOf(state, store, params);
    return { account: view(store, findAccount(member.accounts ?? [], params.account_guid!)) };
  });

  const transactions = (store: ClientStore, userGuid: string, accounts: Account[], request: FastifyRequest) => {
    const query = request.query as Query;
    const page = parsePageRequest(query, MAX_PER_PAGE.default);
    const range = dateRange(query, state.now(), versionOf(request));
    return listTransactions(state.transactionContext(store, userGuid), store.members, accounts, range, page);
  };

  app.get('/users/:user_guid/transactions', async (request) => {
    const store = storeOf(request);
    const { user_guid } = request.params as Params;
    state.user(store, user_guid!);
    return transactions(store, user_guid!, accountsOfUser(store, user_guid!), request);
  });

  app.get(`${MEMBER}/transactions`, async (request) => {
    const store = storeOf(request);
    const params = request.params as Params;
    const member = memberOf(state, store, params);
    return transactions(store, params.user_guid!, member.accounts ?? [], request);
  });

  app.get('/users/:user_guid/accounts/:account_guid/transactions', async (request) => {
    const store = storeOf(request);
    const { user_guid, account_guid } = request.params as Params;
    state.user(store, user_guid!);
    const account = findAccount(accountsOfUser(store, user_guid!), account_guid!);
    return transactions(store, user_guid!, [account], request);
  });
}

function memberOf(state: SandboxState, store: ClientStore, params: Params): Member {
  return state.member(store, params.user_guid!, params.member_guid!);
}

/**
 * MX's defaults: from 120 days ago to 5 days ahead, both days inclusive. v20111101 takes YYYY-MM-DD,
 * v20250224 unix timestamps in seconds (a timestamp stands for its UTC day).
 */
function dateRange(query: Query, now: number, version: MxApiVersion): TransactionQuery {
  const today = dayNumber(now);
  const param = version === 'v20250224' ? unixParam : dateParam;
  return { fromDay: param(query, 'from_date') ?? today - 120, toDay: param(query, 'to_date') ?? today + 5 };
}

function dateParam(query: Query, key: string): number | undefined {
  const value = query[key];
  if (value === undefined || value === '') return undefined;
  const day = typeof value === 'string' ? parseIsoDate(value) : undefined;
  if (day === undefined) throw badRequest(`${key} must be a date in the form YYYY-MM-DD`);
  return day;
}

function unixParam(query: Query, key: string): number | undefined {
  const value = query[key];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || !/^\d{1,12}$/.test(value))
    throw badRequest(`${key} must be a unix timestamp in seconds (API version v20250224)`);
  return dayNumber(Number(value) * 1000);
}
