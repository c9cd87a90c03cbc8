// The follow-job decision as a table: every MX connection status x is_being_aggregated x whose job runs,
// with no server. The expected moves are written out here, not recomputed, so a change to the decision
// shows up as a changed row. Also the counter bounds that end a run (JOB_NOT_RUNNING, MFA_REJECTED,
// INSTITUTION_UNAVAILABLE after its fresh jobs), which the sandbox reaches only slowly or not at all.
import { describe, expect, it } from 'vitest';
import { FAILURE_TYPES as F } from '../../src/failures/catalogue';
import { firstMove, jobAtFirstRead, nextMove, type JobState, type Move, type Situation } from '../../workflows/steps/next-move';

/** Every connection status MX documents, in its table's order, plus no status and one MX may add later. */
const STATUSES = [
  'CREATED',
  'PREVENTED',
  'DENIED',
  'CHALLENGED',
  'REJECTED',
  'LOCKED',
  'CONNECTED',
  'IMPEDED',
  'RECONNECTED',
  'DEGRADED',
  'DISCONNECTED',
  'DISCONTINUED',
  'CLOSED',
  'DELAYED',
  'FAILED',
  'UPDATED',
  'DISABLED',
  'IMPORTED',
  'RESUMED',
  'EXPIRED',
  'IMPAIRED',
  'PENDING',
  null,
  'SOMETHING_NEW',
] as const;

type Status = (typeof STATUSES)[number];

/** A move in one word: the kind, a fresh job's counter, a failure's type, what follows an MFA round. */
function summary(move: Move): string {
  switch (move.kind) {
    case 'startJob':
      return `start${move.count ? `:${move.count}` : ''}`;
    case 'fail':
      return `fail:${move.failure.type}`;
    case 'answerChallenges':
      return `mfa|${summary(move.otherwise)}`;
    default:
      return move.kind;
  }
}

const poll = 'poll';
const retry = 'start:jobRetries';
const newCredentials = `fail:${F.needsNewCredentials}`;
const atInstitution = `fail:${F.actionRequiredAtInstitution}`;
const notSupported = `fail:${F.notSupported}`;

/** Our job, no counter spent yet (one fresh job allowed for end states, one after a rejection). */
const OURS: Record<string, { idle: string; running: string }> = {
  CREATED: { idle: retry, running: poll },
  PREVENTED: { idle: newCredentials, running: newCredentials },
  DENIED: { idle: newCredentials, running: newCredentials },
  CHALLENGED: { idle: 'mfa|poll', running: 'mfa|poll' },
  REJECTED: { idle: 'mfa|start:rejections', running: poll },
  LOCKED: { idle: atInstitution, running: atInstitution },
  CONNECTED: { idle: 'done', running: poll },
  IMPEDED: { idle: atInstitution, running: poll },
  RECONNECTED: { idle: retry, running: poll },
  DEGRADED: { idle: retry, running: poll },
  DISCONNECTED: { idle: retry, running: poll },
  DISCONTINUED: { idle: notSupported, running: notSupported },
  CLOSED: { idle: notSupported, running: notSupported },
  // Not startable, so not "left over from the last job": it is this job's verdict, running or not.
  DELAYED: { idle: retry, running: retry },
  FAILED: { idle: retry, running: poll },
  UPDATED: { idle: retry, running: poll },
  DISABLED: { idle: notSupported, running: notSupported },
  IMPORTED: { idle: newCredentials, running: newCredentials },
  RESUMED: { idle: poll, running: poll },
  EXPIRED: { idle: `fail:${F.mfaExpired}`, running: poll },
  IMPAIRED: { idle: newCredentials, running: newCredentials },
  PENDING: { idle: poll, running: poll },
  null: { idle: poll, running: poll },
  SOMETHING_NEW: { idle: poll, running: poll },
};

/** Where another job (not ours) differs: once it ended CONNECTED, the guide's own job starts. */
const NOT_OURS: Record<string, { idle: string; running: string }> = {
  ...OURS,
  CONNECTED: { idle: 'start', running: poll },
};

function situation(status: Status, isBeingAggregated: boolean, job: JobState, counters = { jobRetries: 0, rejections: 0 }): Situation {
  return {
    connectionStatus: status,
    connectionStatusMessage: status ? `MX says ${status}` : null,
    isBeingAggregated,
    job,
    counters,
    limits: { endStateRetries: 1, maxRejections: 1 },
  };
}

const rows = STATUSES.flatMap((status) =>
  (['ours', 'not ours'] as const).flatMap((job) =>
    [false, true].map((running) => {
      const table = job === 'ours' ? OURS : NOT_OURS;
      const expected = table[String(status)]![running ? 'running' : 'idle'];
      return [String(status), running ? 'running' : 'idle', job, expected] as const;
    }),
  ),
);

describe('nextMove: every connection status x job state', () => {
  it('covers every status of the tables', () => {
    expect(Object.keys(OURS).sort()).toEqual(STATUSES.map(String).sort());
    expect(rows).toHaveLength(STATUSES.length * 4);
  });

  it.each(rows)('%s, job %s, %s job -> %s', (status, running, job, expected) => {
    const s = situation(status === 'null' ? null : (status as Status), running === 'running', job);
    expect(summary(nextMove(s))).toBe(expected);
  });
});

describe('nextMove: the counters that end a run', () => {
  it('INSTITUTION_UNAVAILABLE once the fresh jobs for an end state are spent', () => {
    expect(summary(nextMove(situation('FAILED', false, 'ours', { jobRetries: 1, rejections: 0 })))).toBe(
      `fail:${F.institutionUnavailable}`,
    );
  });

  it('JOB_NOT_RUNNING when MX keeps showing the member idle after the run started its job again', () => {
    expect(summary(nextMove(situation('CREATED', false, 'ours', { jobRetries: 1, rejections: 0 })))).toBe(retry);
    const move = nextMove(situation('UPDATED', false, 'ours', { jobRetries: 2, rejections: 0 }));
    expect(summary(move)).toBe(`fail:${F.jobNotRunning}`);
    expect(move.kind === 'fail' && move.message).toMatch(/UPDATED with no job running.*Next: /);
  });

  it('MFA_REJECTED when MX rejects again after mfa.maxRejections fresh jobs and asks nothing new', () => {
    const move = nextMove(situation('REJECTED', false, 'ours', { jobRetries: 0, rejections: 1 }));
    expect(summary(move)).toBe(`mfa|fail:${F.mfaRejected}`);
    expect(move.settle).toMatchObject({ outcome: 'REJECTED', message: expect.stringContaining('stops (MFA_REJECTED)') });
    const otherwise = move.kind === 'answerChallenges' ? move.otherwise : move;
    expect(otherwise).toMatchObject({ message: expect.stringContaining('2 time(s)'), details: { connectionStatus: 'REJECTED' } });
  });

  it('counts the fresh job in its message and tells an MFA caller what happened', () => {
    const move = nextMove(situation('DEGRADED', false, 'ours'));
    expect(move).toMatchObject({
      kind: 'startJob',
      lastError: 'The member was DEGRADED; fresh job 1 of 1.',
      settle: {
        outcome: 'FAILED',
        connectionStatus: 'DEGRADED',
        message: 'The member is DEGRADED; the run starts a fresh job. MX says DEGRADED',
      },
    });
  });

  it("an end state's failure names MX's message and the catalogue's next action", () => {
    const move = nextMove(situation('LOCKED', false, 'ours'));
    expect(move).toMatchObject({ kind: 'fail', details: { connectionStatus: 'LOCKED' } });
    expect(move.kind === 'fail' && move.message).toBe(
      `The member is LOCKED. MX says: "MX says LOCKED". Next: ${move.kind === 'fail' && move.failure.next}`,
    );
  });
});

describe('firstMove: the status read before the job', () => {
  const startable = ['CREATED', 'CONNECTED', 'DEGRADED', 'DISCONNECTED', 'EXPIRED', 'FAILED', 'IMPEDED', 'RECONNECTED', 'UPDATED'];

  it.each(STATUSES.map(String))("%s with no job running: starts the guide's job only from a startable status", (status) => {
    const s = situation(status === 'null' ? null : (status as Status), false, 'not ours');
    const expected = startable.includes(status) ? 'start' : NOT_OURS[status]!.idle;
    expect(summary(firstMove(s))).toBe(expected);
  });

  it.each(STATUSES.map(String))("%s with a job running: waits for it, whoever's it is", (status) => {
    const s = (job: JobState) => situation(status === 'null' ? null : (status as Status), true, job);
    expect(summary(firstMove(s('not ours')))).toBe(NOT_OURS[status]!.running);
    expect(summary(firstMove(s('ours')))).toBe(OURS[status]!.running);
  });

  it('follows its own job after continue-as-new instead of starting another', () => {
    expect(summary(firstMove(situation('CONNECTED', false, 'ours')))).toBe('done');
  });
});

describe('jobAtFirstRead: whose job is running', () => {
  it.each([
    [{ ownJobStarted: true, adoptRunningJob: false, memberStartedJob: false, isBeingAggregated: false }, 'ours'],
    [{ ownJobStarted: false, adoptRunningJob: true, memberStartedJob: true, isBeingAggregated: true }, 'ours'],
    [{ ownJobStarted: false, adoptRunningJob: true, memberStartedJob: true, isBeingAggregated: false }, 'not ours'],
    [{ ownJobStarted: false, adoptRunningJob: false, memberStartedJob: true, isBeingAggregated: true }, 'not ours'],
    [{ ownJobStarted: false, adoptRunningJob: true, memberStartedJob: false, isBeingAggregated: true }, 'not ours'],
  ] as const)('%o -> %s', (input, expected) => {
    expect(jobAtFirstRead(input)).toBe(expected);
  });
});
