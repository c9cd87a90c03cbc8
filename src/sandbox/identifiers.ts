// v20250224 names users and members in most paths by identifier: the MX guid or the partner's own id
// (`{user_identifier}`, `{member_identifier}`). Statements and the account-level routes keep guids, as
// in the document. Routes keep reading `user_guid` / `member_guid`: this turns an id into its guid first.
// An identifier that matches nothing is left as it is, so the route answers its usual 404.
import type { FastifyRequest } from 'fastify';
import type { ClientStore } from './store';
import { storeOf, versionOf } from './wire';

/** Route templates whose user and member stay guids in v20250224. */
const GUID_ONLY = [/\/statements(\/|$)/, /^\/users\/:user_guid\/accounts\/:account_guid/];

export function resolveIdentifiers(request: FastifyRequest): void {
  const params = request.params as Record<string, string> | undefined;
  const template = request.routeOptions.url ?? '';
  if (versionOf(request) !== 'v20250224' || !params?.user_guid || GUID_ONLY.some((pattern) => pattern.test(template))) return;
  const store = storeOf(request);
  params.user_guid = userGuid(store, params.user_guid);
  if (params.member_guid) params.member_guid = memberGuid(store, params.user_guid, params.member_guid);
}

function userGuid(store: ClientStore, identifier: string): string {
  if (store.users.has(identifier)) return identifier;
  return [...store.users.values()].find((user) => user.id === identifier)?.guid ?? identifier;
}

function memberGuid(store: ClientStore, userGuid: string, identifier: string): string {
  const members = store.membersOf(userGuid);
  return (members.find((m) => m.guid === identifier) ?? members.find((m) => m.id === identifier))?.guid ?? identifier;
}
