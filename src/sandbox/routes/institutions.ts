// Institutions: list (name and supports_* filters), read, list credentials.
import type { FastifyInstance } from 'fastify';
import { queryBoolean } from '../body';
import { notFound } from '../errors';
import { credentialView, findInstitution, INSTITUTIONS, institutionView } from '../institutions';
import { MAX_PER_PAGE, paginate, parsePageRequest } from '../pagination';
import type { Params, Query } from './context';

const SUPPORT_FILTERS = [
  'supports_account_identification',
  'supports_account_statement',
  'supports_account_verification',
  'supports_transaction_history',
] as const;

export function registerInstitutionRoutes(app: FastifyInstance): void {
  app.get('/institutions', async (request) => {
    const query = request.query as Query;
    const page = parsePageRequest(query, MAX_PER_PAGE.institutions);
    const name = typeof query.name === 'string' ? query.name.toLowerCase() : '';
    const filters = SUPPORT_FILTERS.map((key) => [key, queryBoolean(query, key)] as const);
    const matches = INSTITUTIONS.filter(
      (institution) =>
        (institution.name.toLowerCase().includes(name) || institution.code.includes(name)) &&
        filters.every(([key, wanted]) => wanted === undefined || institution[key] === wanted),
    );
    const { items, pagination } = paginate(matches, page);
    return { institutions: items.map(institutionView), pagination };
  });

  app.get('/institutions/:institution_code', async (request) => {
    return { institution: institutionView(requireInstitution((request.params as Params).institution_code!)) };
  });

  app.get('/institutions/:institution_code/credentials', async (request) => {
    const institution = requireInstitution((request.params as Params).institution_code!);
    const { items, pagination } = paginate(institution.credentials, parsePageRequest(request.query as Query, MAX_PER_PAGE.default));
    return { credentials: items.map(credentialView), pagination };
  });
}

function requireInstitution(code: string) {
  const institution = findInstitution(code);
  if (!institution) throw notFound(`institution ${code} was not found`);
  return institution;
}
