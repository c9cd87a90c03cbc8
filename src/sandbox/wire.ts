// MX's wire rules, applied to every request before a route runs: Basic auth, the API version
// (Accept-Version with the Accept header that goes with it), then any injected faults.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { MX_API_VERSIONS, type MxApiVersion } from '../mx/versions/types';
import { errorBody, MxHttpError } from './errors';
import type { FaultDecision } from './faults';
import type { SandboxState } from './state';
import type { ClientStore } from './store';

export const MX_JSON = 'application/vnd.mx.api.v1+json';
export const MX_PDF = 'application/vnd.mx.api.v1+pdf';
export const ADMIN_PREFIX = '/_sandbox/';

/** What each version wants in Accept, and the JSON media type it answers with (the PDF is +pdf in both). */
export const MEDIA_TYPES: Record<MxApiVersion, { json: string; pdf: string }> = {
  v20111101: { json: MX_JSON, pdf: MX_PDF },
  v20250224: { json: 'application/json', pdf: MX_PDF },
};

export interface ClientCredentials {
  clientId: string;
  apiKey: string;
}

const stores = new WeakMap<FastifyRequest, ClientStore>();
const versions = new WeakMap<FastifyRequest, MxApiVersion>();

/** The version the request asked for; set by the version check (v20111101 before it ran). */
export function versionOf(request: FastifyRequest): MxApiVersion {
  return versions.get(request) ?? 'v20111101';
}

/** The calling client's store; set by the auth hook. */
export function storeOf(request: FastifyRequest): ClientStore {
  const store = stores.get(request);
  if (!store) throw new MxHttpError(401, 'Unauthorized');
  return store;
}

export function pathOf(request: FastifyRequest): string {
  const query = request.url.indexOf('?');
  return query === -1 ? request.url : request.url.slice(0, query);
}

export function authenticate(request: FastifyRequest, clients: readonly ClientCredentials[], state: SandboxState): void {
  const header = request.headers.authorization ?? '';
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  const decoded = match ? Buffer.from(match[1]!, 'base64').toString('utf8') : '';
  const colon = decoded.indexOf(':');
  const clientId = decoded.slice(0, colon);
  const apiKey = decoded.slice(colon + 1);
  const known = colon > 0 && clients.some((client) => client.clientId === clientId && client.apiKey === apiKey);
  if (!known) {
    throw new MxHttpError(401, 'Unauthorized: send HTTP Basic auth with your client_id and api_key', {
      'www-authenticate': 'Basic realm="MX Platform API sandbox"',
    });
  }
  stores.set(request, state.store(clientId));
}

/**
 * MX's 406 ("The request didn't specify a valid API version") for a missing or unknown Accept-Version,
 * required on every call since 12 August 2026, and for an Accept header that does not go with it.
 */
export function checkVersion(request: FastifyRequest): MxApiVersion {
  const header = request.headers['accept-version'];
  const asked = (Array.isArray(header) ? header[0] : header)?.trim() ?? '';
  const allowed = MX_API_VERSIONS.join(' or ');
  if (asked === '')
    throw new MxHttpError(406, `Not Acceptable: send the header Accept-Version (${allowed}); every Platform API call needs it`);
  const version = MX_API_VERSIONS.find((v) => v === asked);
  if (!version) throw new MxHttpError(406, `Not Acceptable: the Accept-Version header names no API version served here (${allowed})`);
  versions.set(request, version);
  const wanted = pathOf(request).endsWith('.pdf') ? MEDIA_TYPES[version].pdf : MEDIA_TYPES[version].json;
  const offered = (request.headers.accept ?? '').split(',').map((part) => part.split(';')[0]!.trim().toLowerCase());
  if (!offered.includes(wanted)) {
    throw new MxHttpError(406, `Not Acceptable: send the header "Accept: ${wanted}" with Accept-Version ${version}`);
  }
  return version;
}

const faultDecisions = new WeakMap<FastifyRequest, FaultDecision>();

/** What applyFaults decided for this request; the faults that act on the body (garble, cut) read it. */
export function faultDecisionOf(request: FastifyRequest): FaultDecision | undefined {
  return faultDecisions.get(request);
}

export async function applyFaults(request: FastifyRequest, state: SandboxState): Promise<void> {
  const decision = state.faults.decide(pathOf(request));
  faultDecisions.set(request, decision);
  if (decision.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, decision.delayMs));
  if (decision.reject) throw new MxHttpError(decision.reject.statusCode, decision.reject.message, decision.reject.headers);
}

export function sendError(reply: FastifyReply, statusCode: number, message: string, headers: Record<string, string> = {}): void {
  const type = MEDIA_TYPES[versionOf(reply.request)].json;
  void reply.code(statusCode).headers(headers).type(type).send(errorBody(message));
}
