// The overall deadline of the connection phase (polls, conflicts and MFA waits all count against it).
import { formatDuration } from '../duration';
import type { GuideRun } from '../guide-run';
import { FAILURES } from '../../src/failures/catalogue';
import { failRun } from '../../src/failures/raise';

/** How long the run may still wait: at most `wanted`, and never past the deadline. */
export function waitWithinDeadline(run: GuideRun, wanted: number): number {
  const left = run.deadlineMs - Date.now();
  if (left <= 0) {
    const total = formatDuration(run.options.polling.deadline);
    failRun(
      FAILURES.deadlineExceeded,
      `The member did not reach an end state within the deadline (${total}); last status ${run.progress.connectionStatus ?? 'unknown'}. ` +
        `Next: ${FAILURES.deadlineExceeded.next}`,
      { connectionStatus: run.progress.connectionStatus },
    );
  }
  return Math.min(wanted, left);
}
