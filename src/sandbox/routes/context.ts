import type { FastifyRequest } from 'fastify';
import type { SandboxState } from '../state';
import type { ClientStore } from '../store';
import { storeOf } from '../wire';

/** What every route module needs: the sandbox state and the caller's store. */
export interface RouteContext {
  state: SandboxState;
  storeOf(request: FastifyRequest): ClientStore;
}

export type Params = Record<string, string>;
export type Query = Record<string, unknown>;

export function routeContext(state: SandboxState): RouteContext {
  return { state, storeOf };
}
