// The overall deadline of the connection phase (polls, conflicts and MFA waits all count against it).
import { formatDuration } from '../duration';
import type { GuideRun } from '../guide-run';
import { DEADLINE_EXCEEDED, failRun } from '../outcomes';

/** How long the run may still wait: at most `wanted`, and never past the deadline. */
export function waitWithinDeadline(run: GuideRun, wanted: number): number {
  const left = run.deadlineMs - Date.now();
  if (left <= 0) {
    const total = formatDuration(run.options.polling.deadline);
    failRun(
      DEADLINE_EXCEEDED,
      `The member did not reach an end state within the deadline (${total}); last status ${run.progress.connectionStatus ?? 'unknown'}. ` +
        'Next: start the guide again later, or with a longer "polling.deadline".',
      { connectionStatus: run.progress.connectionStatus },
    );
  }
  return Math.min(wanted, left);
}
