// What the CLI prints: the queue table, a run's challenges, and what happened to the answers.
// Answers themselves are never part of any output.
import type { PendingChallenge, Progress } from '../../../workflows/messages';
import type { AnswerOutcome, RunState } from '../runs';
import { formatTimeLeft, secondsLeft } from '../time-left';
import type { SavedImages } from './save-images';
import { formatTable, plain } from './table';

export function pendingTable(runs: RunState[], now: Date = new Date()): string {
  if (runs.length === 0) return 'No runs are waiting for MFA.';
  const rows = runs.map((run) => {
    const p = run.progress;
    return [
      run.workflowId,
      p?.userId ?? '-',
      p?.institutionCode ?? '-',
      p ? challengeTypes(p.mfa.challenges) : '?',
      p ? formatTimeLeft(p.mfa.deadline, now) : `? (${run.problem ?? 'no progress'})`,
    ];
  });
  return formatTable(['WORKFLOW ID', 'USER', 'INSTITUTION', 'CHALLENGES', 'TIME LEFT'], rows);
}

export function pendingJson(runs: RunState[], now: Date = new Date()): unknown[] {
  return runs.map((run) => ({
    workflowId: run.workflowId,
    runId: run.runId,
    workflowType: run.workflowType,
    userId: run.progress?.userId ?? null,
    institutionCode: run.progress?.institutionCode ?? null,
    challengeTypes: run.progress?.mfa.challenges.map((c) => c.type) ?? [],
    round: run.progress?.mfa.round ?? null,
    deadline: run.progress?.mfa.deadline ?? null,
    secondsLeft: secondsLeft(run.progress?.mfa.deadline ?? null, now),
    problem: run.problem,
  }));
}

export function runHeader(run: RunState, progress: Progress, now: Date = new Date()): string {
  return [
    `Run ${plain(run.workflowId)} (${plain(run.workflowType)}): user ${plain(progress.userId ?? '-')}, institution ${plain(progress.institutionCode ?? '-')}`,
    `MFA round ${progress.mfa.round}, ${formatTimeLeft(progress.mfa.deadline, now)} left${progress.mfa.deadline ? ` (until ${progress.mfa.deadline})` : ''}`,
  ].join('\n');
}

export function challengeList(challenges: PendingChallenge[], images: SavedImages): string {
  return challenges.map((c, i) => describeChallenge(c, i + 1, images.get(c.guid))).join('\n\n');
}

function describeChallenge(
  challenge: PendingChallenge,
  number: number,
  saved: { image?: string | null; options?: (string | null)[] } | undefined,
): string {
  const lines = [`${number}. ${plain(challenge.guid)}  ${plain(challenge.type)}`, `   ${plain(challenge.label ?? '(no question text)')}`];
  if (saved?.image !== undefined) lines.push(`   image: ${saved.image ?? 'not a PNG/JPEG/GIF/WebP/BMP image, not saved'}`);
  for (const [i, option] of (challenge.options ?? []).entries()) {
    lines.push(`   ${i + 1}) ${plain(option.label ?? option.value ?? '')}  [value: ${plain(option.value ?? '-')}]`);
  }
  for (const [i, option] of (challenge.imageOptions ?? []).entries()) {
    const path = saved?.options?.[i];
    lines.push(`   ${i + 1}) ${plain(option.label ?? '')}  [value: ${plain(option.value ?? '-')}]  image: ${path ?? 'not a valid image'}`);
  }
  return lines.join('\n');
}

export function answerHint(workflowId: string, challenges: PendingChallenge[]): string {
  const flags = challenges.map((c) => `--answer ${c.guid}=<value>`).join(' ');
  return `Answer with: npm run support -- answer ${plain(workflowId)} ${plain(flags)}\n(or leave out --answer to be asked for each one)`;
}

/** The outcome as text and the exit code: 0 when MX took the answers, 3 when they were rejected. */
export function describeOutcome(outcome: AnswerOutcome): { text: string; exitCode: number } {
  if (outcome.kind === 'rejected') {
    return { text: `Rejected, nothing was sent to MX: ${plain(outcome.reason)}`, exitCode: 3 };
  }
  const { result } = outcome;
  const status = result.connectionStatus ? ` (connection status ${plain(result.connectionStatus)})` : '';
  const message = plain(result.message);
  switch (result.outcome) {
    case 'CONNECTED':
      return { text: `Accepted (round ${result.round}): MX connected the member${status}. ${message}`, exitCode: 0 };
    case 'CHALLENGED':
      return {
        text: `Accepted (round ${result.round}), and MX asks a follow-up question${status}. ${message}`,
        exitCode: 0,
      };
    case 'REJECTED':
      return { text: `MX rejected the answers (round ${result.round})${status}: ${message}`, exitCode: 3 };
    default:
      return { text: `MX ended the connection (round ${result.round})${status}: ${message}`, exitCode: 3 };
  }
}

function challengeTypes(challenges: PendingChallenge[]): string {
  return [...new Set(challenges.map((c) => c.type))].join(',') || '-';
}
