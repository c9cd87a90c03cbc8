// Guide runs tell the integrator's system what happened (README, "Events out"): MFA needed, new
// credentials needed, completed, failed. Each event is handed to its own small child workflow that
// outlives the run (ParentClosePolicy ABANDON) and delivers it with a retried activity. Why a child, not
// an activity of the run: the completion event is sent as the run ends, and a run's own activities die
// with it; a child keeps retrying for a day while the run has long finished, and its failure (the
// consumer down for good) is visible in the Web UI without ever failing or blocking the run.
import {
  type ApplicationFailure,
  isCancellation,
  log,
  ParentClosePolicy,
  proxyActivities,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import type { EventActivities } from '../activities/events';
import type { RunEvent, RunEventType } from '../src/events/event';
import { eventSettings } from './event-settings';
import type { GuideRun } from './guide-run';
import type { RunManifest } from './manifest';
import { failureOf } from '../src/failures/catalogue';

/** Like MX's own webhooks: retries with back-off for about a day. */
const delivery = proxyActivities<EventActivities>({
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '24 hours',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

/** The child workflow: one event, delivered until the consumer answers 2xx or the day is over. */
export async function deliverRunEvent(event: RunEvent): Promise<void> {
  await delivery.deliverEvent(event);
}

let sent = 0;

async function announce(run: GuideRun, type: RunEventType, details: Partial<RunEvent>): Promise<void> {
  if (!(await eventSettings()).eventsOut) return;
  const info = workflowInfo();
  sent += 1;
  const id = `${info.workflowId}/${info.runId}/${sent}`;
  const event: RunEvent = {
    id,
    type,
    createdAt: new Date(Date.now()).toISOString(),
    run: {
      workflowType: run.workflowType,
      workflowId: info.workflowId,
      runId: info.firstExecutionRunId,
      userId: run.options.userId,
      memberGuid: run.progress.memberGuid,
      institutionCode: run.progress.institutionCode,
    },
    ...details,
  };
  try {
    await startChild(deliverRunEvent, {
      // The run id alone is unique, and unlike the workflow id it is the same when a history is replayed elsewhere.
      workflowId: `run-event/${info.runId}/${sent}`,
      args: [event],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      staticSummary: `deliver ${type} of ${info.workflowId}`,
    });
  } catch (err) {
    if (isCancellation(err)) throw err;
    log.warn('An outbound event could not be handed over; the run goes on without it.', { type, id, error: (err as Error).message });
  }
}

export async function announceMfaRequired(run: GuideRun): Promise<void> {
  const view = run.mfa.view();
  await announce(run, 'run.mfa_required', {
    mfa: {
      round: view.round,
      deadline: view.deadline,
      challenges: view.challenges.map((c) => ({
        guid: c.guid,
        label: c.label,
        type: c.type,
        ...(c.options ? { options: c.options.map((o) => o.label) } : {}),
      })),
    },
  });
}

export async function announceCompleted(run: GuideRun, manifest: RunManifest): Promise<void> {
  await announce(run, 'run.completed', {
    manifest: {
      key: manifest.manifestKey,
      ...(manifest.accounts ? { accounts: manifest.accounts.count, transactions: manifest.accounts.transactionCount } : {}),
      ...(manifest.statements ? { statements: manifest.statements.count } : {}),
    },
  });
}

/** run.credentials_required when the outcome asks for new credentials, else run.failed. */
export async function announceFailed(run: GuideRun, failure: ApplicationFailure): Promise<void> {
  const outcome = failure.type ?? 'FAILED';
  const at = failure.message.indexOf('Next: ');
  const nextAction = at >= 0 ? failure.message.slice(at + 'Next: '.length) : (failureOf(outcome)?.next ?? null);
  const type = outcome === 'NEEDS_NEW_CREDENTIALS' ? 'run.credentials_required' : 'run.failed';
  await announce(run, type, { failure: { outcome, message: failure.message, nextAction } });
}
