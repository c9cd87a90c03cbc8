// Guide step "Answer multifactor authentication": publish MX's challenges, wait for answers on a
// durable timer, then resume the member. Returns false when MX has nothing new to ask.
import { ActivityFailure, ApplicationFailure, condition } from '@temporalio/workflow';
import type { Challenge } from '../../activities/types';
import { ACTIVITY_ERROR_TYPES } from '../../src/mx/error-types';
import { mx } from '../activity-proxies';
import { formatDuration } from '../duration';
import type { GuideRun } from '../guide-run';
import type { PendingChallenge } from '../messages';
import { failRun, MFA_TIMEOUT } from '../outcomes';
import { announceMfaRequired } from '../run-events';

export async function answerChallenges(run: GuideRun): Promise<boolean> {
  const ref = run.memberRef();
  const challenges = await mx.listChallenges.executeWithOptions({ summary: 'list MFA challenges' }, [ref]);
  if (challenges.length === 0 || stillTheAnsweredRound(run, challenges)) return false;

  const timeout = run.options.mfa.timeout;
  const round = run.mfa.openRound(challenges.map(toPending), new Date(Date.now() + timeout).toISOString());
  run.progress.attempts.mfaRounds = round;
  run.mfa.settle({
    outcome: 'CHALLENGED',
    connectionStatus: run.progress.connectionStatus,
    message: `MX asked ${challenges.length} more question(s): MFA round ${round}.`,
    challenges: run.mfa.challenges,
  });
  await announceMfaRequired(run);
  run.step('AWAITING_MFA', `Waiting up to ${formatDuration(timeout)} for answers to ${challenges.length} MFA challenge(s), round ${round}.`);

  const answered = await condition(() => run.mfa.complete(), timeout, {
    summary: `MFA round ${round}: wait up to ${formatDuration(timeout)} for answers`,
  });
  if (!answered) {
    run.mfa.closeRound();
    failRun(
      MFA_TIMEOUT,
      `No answers to MFA round ${round} arrived within ${formatDuration(timeout)}. ` +
        'Next: start the guide again while the user is present to answer (signal mfaAnswers or update answerMfa).',
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
    if (!isMxRefusal(err)) throw err;
    run.progress.lastError = `MX refused the answers of round ${round}: ${(err as ActivityFailure).cause?.message}`;
  }
  return true;
}

/** Right after a resume MX may still show the round just answered; that is not a new question. */
function stillTheAnsweredRound(run: GuideRun, challenges: Challenge[]): boolean {
  if (run.mfa.awaitingEffectOf === null) return false;
  const answered = new Set(run.mfa.challenges.map((c) => c.guid));
  return challenges.every((c) => answered.has(c.guid));
}

function isMxRefusal(err: unknown): boolean {
  const types: string[] = [ACTIVITY_ERROR_TYPES.methodNotAllowed, ACTIVITY_ERROR_TYPES.badRequest];
  return err instanceof ActivityFailure && err.cause instanceof ApplicationFailure && types.includes(err.cause.type ?? '');
}

function toPending(challenge: Challenge): PendingChallenge {
  return {
    guid: challenge.guid,
    label: challenge.label,
    fieldName: challenge.fieldName,
    type: challenge.type,
    ...(challenge.options ? { options: challenge.options } : {}),
    ...(challenge.imageData !== undefined ? { imageData: challenge.imageData } : {}),
    ...(challenge.imageOptions ? { imageOptions: challenge.imageOptions } : {}),
  };
}
