// MX's wire rules, applied to every request before a route runs: Basic auth, the versioned Accept
// header, then any injected faults.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { errorBody, MxHttpError } from './errors';
import type { FaultDecision } from './faults';
import type { SandboxState } from './state';
import type { ClientStore } from './store';

export const MX_JSON = 'application/vnd.mx.api.v1+json';
export const MX_PDF = 'application/vnd.mx.api.v1+pdf';
export const ADMIN_PREFIX = '/_sandbox/';

export interface ClientCredentials {
  clientId: string;
  apiKey: string;
}

const stores = new WeakMap<FastifyRequest, ClientStore>();

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

/** v20111101 is chosen by the Accept header: JSON routes need +json, the statement PDF +pdf. */
export function checkAccept(request: FastifyRequest): void {
  const wanted = pathOf(request).endsWith('.pdf') ? MX_PDF : MX_JSON;
  const accept = request.headers.accept ?? '';
  const offered = accept.split(',').map((part) => part.split(';')[0]!.trim().toLowerCase());
  if (!offered.includes(wanted)) {
    throw new MxHttpError(406, `Not Acceptable: send the header "Accept: ${wanted}" to use API version v20111101`);
  }
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
  void reply.code(statusCode).headers(headers).type(MX_JSON).send(errorBody(message));
}
