import type { FastifyRequest } from 'fastify';
import type { MxApiVersion } from '../../mx/versions/types';
import type { SandboxState } from '../state';
import type { ClientStore } from '../store';
import { storeOf, versionOf } from '../wire';

/** What every route module needs: the sandbox state, the caller's store and the API version asked for. */
export interface RouteContext {
  state: SandboxState;
  storeOf(request: FastifyRequest): ClientStore;
  versionOf(request: FastifyRequest): MxApiVersion;
}

export type Params = Record<string, string>;
export type Query = Record<string, unknown>;

export function routeContext(state: SandboxState): RouteContext {
  return { state, storeOf, versionOf };
}
