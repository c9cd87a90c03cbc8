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

  const clockView = () => ({ now: new Date(state.now()).toISOString(), offset_seconds: state.clockOffset / 1000 });
  app.get('/_sandbox/clock', async () => ({ clock: clockView() }));

  // Moves the sandbox's clock forward: due job transitions happen, and the next aggregation shows the
  // bank as of the new day (new, posted and voided transactions; moved balances).
  app.post('/_sandbox/clock', async (request) => {
    const body = request.body as { advance_seconds?: unknown } | undefined;
    const seconds = body?.advance_seconds;
    if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0 || seconds > 10 * 365 * 86_400) {
      throw badRequest(
        'The request body must be {"advance_seconds": N} with N a number of seconds from 0 to 10 years; the clock only moves forward',
      );
    }
    state.advanceClock(seconds * 1000);
    state.advanceAll();
    return { clock: clockView() };
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
