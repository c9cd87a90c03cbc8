// Users: create, read, update, delete, list (filters id, email, is_disabled).
import type { FastifyInstance } from 'fastify';
import { optionalBoolean, optionalString, queryBoolean, wrapped, type Fields } from '../body';
import { conflict } from '../errors';
import { MAX_PER_PAGE, paginate, parsePageRequest } from '../pagination';
import type { ClientStore, User } from '../store';
import { userView } from '../views';
import type { Params, Query, RouteContext } from './context';

export function registerUserRoutes(app: FastifyInstance, { state, storeOf }: RouteContext): void {
  app.post('/users', async (request) => {
    const store = storeOf(request);
    const fields = readUserFields(wrapped(request.body, 'user', true));
    if (fields.id) ensureIdIsFree(store, fields.id);
    const user: User = { guid: store.newGuid('USR'), id: null, email: null, is_disabled: false, metadata: null, ...fields };
    store.users.set(user.guid, user);
    return { user: userView(user) };
  });

  app.get('/users', async (request) => {
    const store = storeOf(request);
    const query = request.query as Query;
    const page = parsePageRequest(query, MAX_PER_PAGE.default);
    const isDisabled = queryBoolean(query, 'is_disabled');
    const users = [...store.users.values()].filter(
      (user) =>
        (query.id === undefined || user.id === query.id) &&
        (query.email === undefined || user.email === query.email) &&
        (isDisabled === undefined || user.is_disabled === isDisabled),
    );
    const { items, pagination } = paginate(users, page);
    return { users: items.map(userView), pagination };
  });

  app.get('/users/:user_guid', async (request) => {
    const { user_guid } = request.params as Params;
    return { user: userView(state.user(storeOf(request), user_guid!)) };
  });

  app.put('/users/:user_guid', async (request) => {
    const store = storeOf(request);
    const user = state.user(store, (request.params as Params).user_guid!);
    const fields = readUserFields(wrapped(request.body, 'user', true));
    if (fields.id && fields.id !== user.id) ensureIdIsFree(store, fields.id);
    Object.assign(user, fields);
    return { user: userView(user) };
  });

  app.delete('/users/:user_guid', async (request, reply) => {
    const store = storeOf(request);
    const user = state.user(store, (request.params as Params).user_guid!);
    store.deleteUser(user.guid);
    return reply.code(204).send();
  });
}

function readUserFields(fields: Fields): Partial<User> {
  const result: Partial<User> = {};
  const id = optionalString(fields, 'id', 'user.id');
  const email = optionalString(fields, 'email', 'user.email');
  const metadata = optionalString(fields, 'metadata', 'user.metadata');
  const isDisabled = optionalBoolean(fields, 'is_disabled', 'user.is_disabled');
  if (id !== undefined) result.id = id;
  if (email !== undefined) result.email = email;
  if (metadata !== undefined) result.metadata = metadata;
  if (isDisabled !== undefined) result.is_disabled = isDisabled;
  return result;
}

/** MX keeps partner user ids unique per client: a second user with the same id is a 409. */
function ensureIdIsFree(store: ClientStore, id: string): void {
  const existing = [...store.users.values()].find((user) => user.id === id);
  if (existing) throw conflict(`A user with id "${id}" already exists (${existing.guid})`);
}
