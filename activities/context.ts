// Heartbeats and cancellation come from Temporal's activity context when there is one; the same
// functions run outside Temporal too (scripts, plain unit tests), where both are no-ops.
import { Context } from '@temporalio/activity';
import type { Clock } from './deps';

export function activityContext(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined;
  }
}

/** The signal that fires when Temporal cancels this activity (or its worker shuts down). */
export function cancellation(): AbortSignal | undefined {
  return activityContext()?.cancellationSignal;
}

/** Heartbeats at most once per `intervalMs`; Temporal throttles too, this only spares the work. */
export function heartbeater(clock: Clock, intervalMs = 1000): (details: unknown, force?: boolean) => void {
  const context = activityContext();
  let last = 0;
  return (details, force = false) => {
    if (!context) return;
    const now = clock.now().getTime();
    if (!force && now - last < intervalMs) return;
    last = now;
    context.heartbeat(details);
  };
}
