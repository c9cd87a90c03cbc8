// Institutions: list (name, and the supports_* filters in v20111101 or supported_products in
// v20250224), read, list credentials.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { queryBoolean } from '../body';
import { badRequest, notFound } from '../errors';
import {
  credentialView,
  findInstitution,
  findInstitutionByIdentifier,
  type Institution,
  INSTITUTIONS,
  institutionView,
  institutionViewV20250224,
  PRODUCTS,
  supportedProducts,
} from '../institutions';
import { MAX_PER_PAGE, paginate, parsePageRequest } from '../pagination';
import type { Params, Query, RouteContext } from './context';

const SUPPORT_FILTERS = [
  'supports_account_identification',
  'supports_account_statement',
  'supports_account_verification',
  'supports_transaction_history',
] as const;

export function registerInstitutionRoutes(app: FastifyInstance, { versionOf }: RouteContext): void {
  const newer = (request: FastifyRequest) => versionOf(request) === 'v20250224';
  const view = (request: FastifyRequest, institution: Institution) =>
    (newer(request) ? institutionViewV20250224 : institutionView)(institution);

  app.get('/institutions', async (request) => {
    const query = request.query as Query;
    const page = parsePageRequest(query, MAX_PER_PAGE.institutions);
    const name = typeof query.name === 'string' ? query.name.toLowerCase() : '';
    const supports = newer(request) ? productFilter(query) : flagFilter(query);
    const matches = INSTITUTIONS.filter(
      (institution) => (institution.name.toLowerCase().includes(name) || institution.code.includes(name)) && supports(institution),
    );
    const { items, pagination } = paginate(matches, page);
    return { institutions: items.map((i) => view(request, i)), pagination };
  });

  app.get('/institutions/:institution_code', async (request) => {
    return { institution: view(request, requireInstitution((request.params as Params).institution_code!, false)) };
  });

  app.get('/institutions/:institution_code/credentials', async (request) => {
    const institution = requireInstitution((request.params as Params).institution_code!, newer(request));
    const { items, pagination } = paginate(institution.credentials, parsePageRequest(request.query as Query, MAX_PER_PAGE.default));
    return { credentials: items.map(credentialView), pagination };
  });
}

function flagFilter(query: Query): (institution: Institution) => boolean {
  const filters = SUPPORT_FILTERS.map((key) => [key, queryBoolean(query, key)] as const);
  return (institution) => filters.every(([key, wanted]) => wanted === undefined || institution[key] === wanted);
}

/** `supported_products=a&supported_products=b`: institutions supporting every product named. */
function productFilter(query: Query): (institution: Institution) => boolean {
  const raw = query.supported_products;
  const asked = (Array.isArray(raw) ? raw : raw === undefined || raw === '' ? [] : [raw]).map(String);
  // MX's query enum says `history` where its product enum says `transaction_history`.
  const wanted = asked.map((product) => (product === 'history' ? 'transaction_history' : product));
  const unknown = wanted.filter((product) => !(PRODUCTS as readonly string[]).includes(product));
  if (unknown.length) throw badRequest(`supported_products must name products among ${PRODUCTS.join(', ')}`);
  return (institution) => wanted.every((product) => supportedProducts(institution).includes(product));
}

function requireInstitution(identifier: string, orGuid: boolean) {
  const institution = orGuid ? findInstitutionByIdentifier(identifier) : findInstitution(identifier);
  if (!institution) throw notFound(`institution ${identifier} was not found`);
  return institution;
}
