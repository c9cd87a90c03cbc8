// Sandbox-only routes (not MX): change faults and the challenge label at run time. Same Basic auth.
import type { FastifyInstance } from 'fastify';
import { badRequest } from '../errors';
import type { FaultOptions } from '../faults';
import type { SandboxState } from '../state';

export function registerAdminRoutes(app: FastifyInstance, state: SandboxState): void {
  app.get('/_sandbox/faults', async () => ({ faults: state.faults.current }));

  app.put('/_sandbox/faults', async (request) => {
    const body = request.body as { faults?: unknown } | undefined;
    if (typeof body !== 'object' || body === null || typeof body.faults !== 'object' || body.faults === null) {
      throw badRequest('The request body must be {"faults": {...}} (an empty object clears every fault)');
    }
    try {
      state.faults.set(body.faults as FaultOptions);
    } catch (error) {
      throw badRequest((error as Error).message);
    }
    return { faults: state.faults.current };
  });

  app.put('/_sandbox/challenge_label', async (request) => {
    const body = request.body as { challenge_label?: unknown } | undefined;
    const label = body?.challenge_label;
    if (label !== null && typeof label !== 'string') {
      throw badRequest('The request body must be {"challenge_label": "text"} or {"challenge_label": null} to restore MX Bank\'s labels');
    }
    state.challengeLabel = label ?? undefined;
    return { challenge_label: label };
  });
}
