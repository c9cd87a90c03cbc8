// Heartbeats and cancellation come from Temporal's activity context when there is one; the same
// functions run outside Temporal too (scripts, plain unit tests), where both are no-ops.
import { Context } from '@temporalio/activity';
import type { Clock } from './deps';

/**
 * How often a running activity tells Temporal it is alive, whatever it is doing (waiting on MX,
 * re-hashing a partial file). The heartbeat timeout (workflows/activity-proxies.ts) is ten times
 * this; the SDK sends at most one heartbeat per 80% of that timeout, with the latest details.
 */
export const KEEP_ALIVE_MS = 1_000;

/** The latest progress details of each running activity, repeated by the keep-alive beat. */
const latestDetails = new WeakMap<Context, unknown>();

export function activityContext(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined;
  }
}

/**
 * The context to heartbeat on: none for a local activity, which lives inside its workflow task and has
 * no heartbeat timeout (workflows/activity-proxies.ts, mxLocal); the SDK would only warn about beats.
 */
function remoteActivityContext(): Context | undefined {
  const context = activityContext();
  return context?.info.isLocal ? undefined : context;
}

/** The signal that fires when Temporal cancels this activity (or its worker shuts down). */
export function cancellation(): AbortSignal | undefined {
  return activityContext()?.cancellationSignal;
}

/** True when the workflow itself asked for the cancellation: no retry of this activity will come. */
export function cancelledByWorkflow(): boolean {
  return activityContext()?.cancellationDetails?.cancelRequested ?? false;
}

/** Heartbeats at most once per `intervalMs`; Temporal throttles too, this only spares the work. */
export function heartbeater(clock: Clock, intervalMs = 1000): (details: unknown, force?: boolean) => void {
  const context = remoteActivityContext();
  let last = 0;
  return (details, force = false) => {
    if (!context) return;
    latestDetails.set(context, details);
    const now = clock.now().getTime();
    if (!force && now - last < intervalMs) return;
    last = now;
    context.heartbeat(details);
  };
}

/**
 * Wraps every activity so it heartbeats every KEEP_ALIVE_MS while it runs, repeating its latest
 * progress details (or the previous attempt's, rather than erasing what it reached). A worker that
 * dies is then noticed within the heartbeat timeout, seconds, whatever the activity was doing;
 * an activity that hangs is still ended by its own request timeouts and its start-to-close timeout.
 */
export function keptAlive<T extends object>(activities: T): T {
  const wrapped = Object.entries(activities).map(([name, fn]) => [
    name,
    async (...args: unknown[]) => {
      const context = remoteActivityContext();
      const timer =
        context && setInterval(() => context.heartbeat(latestDetails.get(context) ?? context.info.heartbeatDetails), KEEP_ALIVE_MS);
      try {
        return await (fn as (...a: unknown[]) => Promise<unknown>)(...args);
      } finally {
        if (timer) clearInterval(timer);
      }
    },
  ]);
  return Object.fromEntries(wrapped) as T;
}
