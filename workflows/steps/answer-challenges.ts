// Guide step "Answer multifactor authentication": publish MX's challenges, wait for answers on a
// durable timer, then resume the member. Returns false when MX has nothing new to ask.
import { type ActivityFailure, condition, log } from '@temporalio/workflow';
import type { Challenge } from '../../activities/types';
import { FAILURES } from '../../src/failures/catalogue';
import { activityFailedWith, failRun } from '../../src/failures/raise';
import { mx } from '../activity-proxies';
import { formatDuration } from '../duration';
import type { GuideRun } from '../guide-run';
import { announceMfaRequired } from '../run-events';

export async function answerChallenges(run: GuideRun): Promise<boolean> {
  const ref = run.memberRef();
  const challenges = await mx.listChallenges.executeWithOptions({ summary: 'list MFA challenges' }, [ref]);
  if (challenges.length === 0 || stillTheAnsweredRound(run, challenges)) return false;

  const timeout = run.options.mfa.timeout;
  const round = run.mfa.openRound(challenges, new Date(Date.now() + timeout).toISOString());
  log.info('MFA round opened', { round, challenges: challenges.length, timeoutMs: timeout });
  run.mfa.settle({
    outcome: 'CHALLENGED',
    connectionStatus: run.progress.connectionStatus,
    message: `MX asked ${challenges.length} more question(s): MFA round ${round}.`,
    challenges: run.mfa.challenges,
  });
  await announceMfaRequired(run);
  run.step(
    'AWAITING_MFA',
    `Waiting up to ${formatDuration(timeout)} for answers to ${challenges.length} MFA challenge(s), round ${round}.`,
  );

  const answered = await condition(() => run.mfa.complete(), timeout, {
    summary: `MFA round ${round}: wait up to ${formatDuration(timeout)} for answers`,
  });
  if (!answered) {
    run.mfa.closeRound();
    failRun(
      FAILURES.mfaTimeout,
      `No answers to MFA round ${round} arrived within ${formatDuration(timeout)}. Next: ${FAILURES.mfaTimeout.next}`,
      { round },
    );
  }
  const answers = run.mfa.takeAnswers();
  run.step('WAITING_FOR_JOB', `Sending the answers of MFA round ${round} to MX.`);
  try {
    const member = await mx.resumeMember.executeWithOptions({ summary: `resume with MFA round ${round}` }, [{ ...ref, answers }]);
    run.observe(member);
  } catch (err) {
    // 405/400: MX no longer waits for these answers; the next status read says what happened instead.
    if (!activityFailedWith(err, FAILURES.methodNotAllowed, FAILURES.badRequest)) throw err;
    log.warn('MX refused the MFA answers', { round });
    run.noteError(`MX refused the answers of round ${round}: ${(err as ActivityFailure).cause?.message}`);
  }
  return true;
}

/** Right after a resume MX may still show the round just answered; that is not a new question. */
function stillTheAnsweredRound(run: GuideRun, challenges: Challenge[]): boolean {
  if (run.mfa.awaitingEffectOf === null) return false;
  const answered = new Set(run.mfa.challenges.map((c) => c.guid));
  return challenges.every((c) => answered.has(c.guid));
}
