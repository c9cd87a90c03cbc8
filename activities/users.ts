// Guide step "Create a user", idempotent on the partner id: create, as the guide does, and on MX's 409
// (the user exists: an earlier run, attempt or a concurrent one made it) look the user up by that id.
// A new user costs one call, a known one two; looking first would cost every new user two.
import { MxConflictError } from '../src/mx/errors';
import type { MxClient } from '../src/mx/client';
import type { ActivityDeps } from './deps';
import { cancellation } from './context';
import { invalidInput } from './failures';
import type { Activities } from './types';

export function userActivities({ mx }: ActivityDeps): Pick<Activities, 'ensureUser'> {
  return {
    async ensureUser(input) {
      if (!input?.id) throw invalidInput('ensureUser: a partner user id is required');
      const signal = cancellation();
      try {
        const user = await mx.createUser({ id: input.id, email: input.email, metadata: input.metadata }, { signal });
        return { guid: user.guid, id: input.id, created: true };
      } catch (error) {
        if (!(error instanceof MxConflictError)) throw error;
        const existing = await findUserById(mx, input.id, signal);
        if (!existing) throw error;
        return { guid: existing, id: input.id, created: false };
      }
    },
  };
}

async function findUserById(mx: MxClient, id: string, signal?: AbortSignal): Promise<string | undefined> {
  for await (const user of mx.listUsers({ id }, { signal })) {
    if (user.id === id) return user.guid;
  }
  return undefined;
}
