// Guide steps "Search for an institution" and "Get the institution-required credentials".
import type { ApplicationFailure } from '@temporalio/common';
import { FAILURES } from '../src/failures/catalogue';
import { activityFailure } from '../src/failures/raise';
import { MxClientError } from '../src/mx/errors';
import type { MxClient } from '../src/mx/client';
import type { MxInstitution } from '../src/mx/schemas';
import type { ActivityDeps } from './deps';
import { cancellation } from './context';
import { invalidInput } from './failures';
import { toInstitution } from './mappers';
import type { Activities, FindInstitutionInput } from './types';

export function institutionActivities({ mx }: ActivityDeps): Pick<Activities, 'findInstitution'> {
  return {
    async findInstitution(input) {
      if (!input?.code && !input?.name) throw invalidInput('findInstitution: give an institution code or a name to search for');
      const signal = cancellation();
      const institution = input.code ? await readByCode(mx, input.code, signal) : await searchByName(mx, input, signal);
      if (input.requireStatements && institution.supports_account_statement !== true) {
        throw activityFailure(
          FAILURES.institutionUnsupported,
          `Institution ${institution.code} (${institution.name ?? 'unnamed'}) does not support account statements`,
        );
      }
      const credentials = [];
      for await (const credential of mx.listInstitutionCredentials(institution.code, { signal })) credentials.push(credential);
      return toInstitution(institution, credentials);
    },
  };
}

async function readByCode(mx: MxClient, code: string, signal?: AbortSignal): Promise<MxInstitution> {
  try {
    return await mx.readInstitution(code, { signal });
  } catch (error) {
    if (error instanceof MxClientError && error.status === 404) throw notFound(`No institution with code "${code}"`);
    throw error;
  }
}

/** An exact name or code match wins; otherwise the search must be unambiguous. */
async function searchByName(mx: MxClient, input: FindInstitutionInput, signal?: AbortSignal): Promise<MxInstitution> {
  const name = input.name ?? '';
  const supportsAccountStatement = input.requireStatements ? true : undefined;
  const found: MxInstitution[] = [];
  for await (const institution of mx.listInstitutions({ name, supportsAccountStatement }, { signal })) found.push(institution);
  const wanted = name.toLowerCase();
  const exact = found.find((i) => i.name?.toLowerCase() === wanted || i.code.toLowerCase() === wanted);
  if (exact) return exact;
  const searched = `"${name}"${input.requireStatements ? ' supporting statements' : ''}`;
  if (found.length === 1 && found[0]) return found[0];
  if (found.length === 0) throw notFound(`No institution matches ${searched}`);
  const candidates = found.slice(0, 10).map((i) => `${i.code} (${i.name ?? 'unnamed'})`);
  throw notFound(`${found.length} institutions match ${searched}; give the code of one: ${candidates.join(', ')}`);
}

function notFound(message: string): ApplicationFailure {
  return activityFailure(FAILURES.institutionNotFound, message);
}
