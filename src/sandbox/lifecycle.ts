// The member state machine (src/sandbox/README.md, "Behaviour"). A job goes
//   authenticating --(jobDuration/2)--> connected --(jobDuration/2)--> done (CONNECTED)
//                                  \--> challenged --(resume)--> resumed --(jobDuration/2)--> connected | challenged | ended
//                                  \--> ended (error status)         \--(challengeExpiry)--> ended (EXPIRED)
// Every transition has a due time computed from timestamps, and `advance` applies the ones that are due
// whenever the member is looked at, so there is no timer per member.
import { createHash } from 'node:crypto';
import { makeAccounts } from './accounts';
import { makeChallenge } from './challenges';
import { conflict, MxHttpError, badRequest } from './errors';
import { outcomeForAnswers, outcomeForCredentials, type Outcome } from './mx-bank';
import { findInstitution } from './institutions';
import type { ClientStore, Job, JobType, Member, Statement } from './store';
import { dayNumber, isoDate } from './transactions';

export type SandboxEvent =
  | { type: 'CONNECTION_STATUS'; member: Member; at: number }
  | { type: 'AGGREGATION' | 'STATEMENT'; member: Member; jobGuid: string; at: number; createdCount: number };

export interface LifecycleContext {
  jobDurationMs: number;
  challengeExpiryMs: number;
  emit(event: SandboxEvent, store: ClientStore): void;
}

type Emit = (event: SandboxEvent) => void;

/** Statuses MX announces with a Connection Status webhook: the end user has something to do. */
const ACTIONABLE = new Set(['CHALLENGED', 'DENIED', 'EXPIRED', 'IMPAIRED', 'IMPEDED', 'LOCKED', 'PREVENTED', 'REJECTED']);
const STATEMENT_MONTHS = 3;

/** Applies every transition that is due by `now`. */
export function advance(context: LifecycleContext, store: ClientStore, member: Member, now: number): void {
  const half = context.jobDurationMs / 2;
  const emit: Emit = (event) => context.emit(event, store);
  for (let job = member.job; job; job = member.job) {
    const dueAt = job.phaseStartedAt + (job.phase === 'challenged' ? context.challengeExpiryMs : half);
    if (now < dueAt) return;
    if (job.phase === 'challenged') endJob(emit, member, 'EXPIRED', dueAt);
    else if (job.phase === 'connected') completeJob(emit, store, member, job, dueAt);
    else applyOutcome(emit, store, member, job, job.pendingOutcome, dueAt);
  }
}

/**
 * Starts a job unless one is running: the same type running -> false (MX answers 202 and starts nothing),
 * another type running -> 409.
 */
export function startJob(store: ClientStore, member: Member, type: JobType, now: number, initialStatus?: string): boolean {
  if (member.job) {
    if (member.job.type === type) return false;
    throw conflict(`A ${describe(member.job.type)} job is already running for this member; try again when it ends.`);
  }
  const credential = (name: string) => {
    const field = findInstitution(member.institutionCode)?.credentials.find((c) => c.field_name === name);
    return field ? member.credentials.get(field.guid) : undefined;
  };
  member.job = {
    guid: store.newGuid('JOB'),
    type,
    phase: 'authenticating',
    phaseStartedAt: now,
    pendingOutcome: outcomeForCredentials(credential('LOGIN'), credential('PASSWORD')),
    round: 0,
    challenges: [],
    answersDigest: null,
  };
  member.mostRecentJobGuid = member.job.guid;
  member.aggregatedAt = now;
  // A job on a member in an end state shows a transient status, so pollers do not stop on the old one.
  member.connectionStatus =
    initialStatus ?? (['CONNECTED', 'CREATED'].includes(member.connectionStatus) ? member.connectionStatus : 'UPDATED');
  return true;
}

/** Abandons a running job (new credentials replace it). */
export function cancelJob(member: Member): void {
  member.job = null;
}

export interface Answer {
  guid: string;
  value: string;
}

/** Takes the MFA answers: RESUMED now, the outcome after half a job. A retried identical resume is accepted again. */
export function resume(member: Member, answers: Answer[], now: number): void {
  const job = member.job;
  const digest = answersDigest(answers);
  if (job?.phase === 'resumed' && job.answersDigest === digest) return;
  if (!job || job.phase !== 'challenged') {
    throw new MxHttpError(405, `The member is not challenged (connection_status ${member.connectionStatus}); there is nothing to resume.`);
  }
  const byGuid = new Map(answers.map((answer) => [answer.guid, answer.value]));
  for (const answer of answers) {
    if (!job.challenges.some((challenge) => challenge.guid === answer.guid)) {
      throw badRequest(`member.challenges: ${answer.guid} is not one of the member's current challenges`);
    }
  }
  const missing = job.challenges.find((challenge) => !byGuid.has(challenge.guid));
  if (missing) throw badRequest(`member.challenges: challenge ${missing.guid} has no answer`);
  job.pendingOutcome = outcomeForAnswers(job.challenges.map((challenge) => byGuid.get(challenge.guid)!));
  job.phase = 'resumed';
  job.phaseStartedAt = now;
  job.challenges = [];
  job.answersDigest = digest;
  member.connectionStatus = 'RESUMED';
}

function answersDigest(answers: Answer[]): string {
  const canonical = JSON.stringify([...answers].sort((a, b) => a.guid.localeCompare(b.guid)).map((a) => [a.guid, a.value]));
  return createHash('sha256').update(canonical).digest('hex');
}

function applyOutcome(emit: Emit, store: ClientStore, member: Member, job: Job, outcome: Outcome, at: number): void {
  if (outcome.kind === 'ended') {
    endJob(emit, member, outcome.status, at);
    return;
  }
  if (outcome.kind === 'connected') {
    job.phase = 'connected';
    job.phaseStartedAt = at;
    member.connectionStatus = 'CONNECTED';
    member.isAuthenticated = true;
    return;
  }
  job.round += 1;
  job.phase = 'challenged';
  job.phaseStartedAt = at;
  const challengeGuid = store.newGuid('CRD');
  job.challenges = [makeChallenge(outcome.challengeType, challengeGuid, () => store.newGuid('CRD'), job.round > 1)];
  setStatus(emit, member, 'CHALLENGED', at);
}

function endJob(emit: Emit, member: Member, status: string, at: number): void {
  member.job = null;
  if (['DENIED', 'IMPAIRED', 'PREVENTED', 'LOCKED', 'REJECTED', 'EXPIRED'].includes(status)) member.isAuthenticated = false;
  setStatus(emit, member, status, at);
}

function setStatus(emit: Emit, member: Member, status: string, at: number): void {
  member.connectionStatus = status;
  if (ACTIONABLE.has(status)) emit({ type: 'CONNECTION_STATUS', member, at });
}

function completeJob(emit: Emit, store: ClientStore, member: Member, job: Job, at: number): void {
  if (!member.accounts) {
    member.accounts = makeAccounts(member, () => store.newGuid('ACT'), at);
    member.dataAsOf = at;
  } else if (job.type === 'aggregation') {
    member.refreshedAt = at;
  }
  const created = job.type === 'statements' ? addStatements(store, member, at) : member.accounts.length;
  member.job = null;
  member.connectionStatus = 'CONNECTED';
  member.isAuthenticated = true;
  member.successfullyAggregatedAt = at;
  emit({ type: job.type === 'statements' ? 'STATEMENT' : 'AGGREGATION', member, jobGuid: job.guid, at, createdCount: created });
}

/** One statement per account per month for the last full months; a second job adds only what is new. */
function addStatements(store: ClientStore, member: Member, at: number): number {
  const months = lastFullMonths(at, STATEMENT_MONTHS);
  let created = 0;
  for (const account of member.accounts ?? []) {
    for (const month of months) {
      if (member.statements.some((s) => s.accountGuid === account.guid && s.month === month)) continue;
      const statement: Statement = {
        guid: store.newGuid('STA'),
        accountGuid: account.guid,
        memberGuid: member.guid,
        userGuid: member.userGuid,
        month,
        createdAt: at,
      };
      member.statements.push(statement);
      created += 1;
    }
  }
  return created;
}

function lastFullMonths(at: number, count: number): string[] {
  const today = isoDate(dayNumber(at));
  let year = Number(today.slice(0, 4));
  let month = Number(today.slice(5, 7));
  const months: string[] = [];
  for (let i = 0; i < count; i++) {
    month -= 1;
    if (month === 0) {
      month = 12;
      year -= 1;
    }
    months.push(`${year}-${String(month).padStart(2, '0')}`);
  }
  return months.reverse();
}

function describe(type: JobType): string {
  return type === 'statements' ? 'statements' : 'standard aggregation';
}
