import { describe, expect, it } from 'vitest';
import { formatTable, plain } from '../../src/support/cli/table';
import { describeOutcome, pendingJson, pendingTable } from '../../src/support/cli/render';
import { formatTimeLeft, secondsLeft } from '../../src/support/time-left';
import type { RunState } from '../../src/support/runs';
import type { Progress } from '../../workflows/messages';

const now = new Date('2025-01-01T12:00:00Z');

function waitingRun(overrides: Partial<Progress> = {}): RunState {
  const progress: Progress = {
    workflowType: 'fetchAccountData',
    step: 'AWAITING_MFA',
    waitingFor: 'Waiting for answers',
    userId: 'alice',
    userGuid: 'USR-1',
    memberGuid: 'MBR-1',
    institutionCode: 'mxbank',
    connectionStatus: 'CHALLENGED',
    connectionStatusMessage: null,
    isBeingAggregated: true,
    mfa: {
      awaiting: true,
      round: 1,
      deadline: '2025-01-01T12:04:05Z',
      challenges: [
        { guid: 'CRD-1', label: 'City?', fieldName: null, type: 'TEXT' },
        { guid: 'CRD-2', label: 'Pick', fieldName: null, type: 'OPTIONS', options: [] },
      ],
    },
    attempts: { polls: 1, jobStarts: 1, mfaRounds: 1, jobRetries: 0 },
    deadlines: { overall: null, nextPollAt: null },
    lastError: null,
    startedAt: '2025-01-01T11:59:00Z',
    ...overrides,
  };
  return {
    workflowId: 'fetch-account-data-alice-mxbank',
    runId: 'run-1',
    workflowType: 'fetchAccountData',
    status: 'RUNNING',
    startTime: now,
    closeTime: null,
    progress,
    problem: null,
  };
}

describe('time left', () => {
  it('reads like a person would say it', () => {
    expect(formatTimeLeft('2025-01-01T12:04:05Z', now)).toBe('4m 05s');
    expect(formatTimeLeft('2025-01-01T12:00:09Z', now)).toBe('9s');
    expect(formatTimeLeft('2025-01-01T13:02:00Z', now)).toBe('1h 02m');
    expect(formatTimeLeft('2025-01-01T11:59:00Z', now)).toBe('expired');
    expect(formatTimeLeft(null, now)).toBe('no deadline');
    expect(secondsLeft('not a date', now)).toBeNull();
    expect(secondsLeft('2025-01-01T12:01:00Z', now)).toBe(60);
  });
});

describe('terminal tables', () => {
  it('aligns columns and leaves no trailing blanks', () => {
    expect(formatTable(['A', 'LONG HEADER'], [['wide cell', 'x']])).toBe('A          LONG HEADER\nwide cell  x');
  });

  it('shows control characters from bank text instead of sending them to the terminal', () => {
    expect(plain('Pick\u001b[2J one\nnow\u0007')).toBe('Pick?[2J one?now?');
    expect(formatTable(['Q'], [['\u001b]0;pwned\u0007']])).not.toMatch(/\u001b|\u0007/);
  });

  it('lists a waiting run with user, institution, challenge types and time left', () => {
    const table = pendingTable([waitingRun()], now);
    expect(table.split('\n')[0]).toMatch(/^WORKFLOW ID\s+USER\s+INSTITUTION\s+CHALLENGES\s+TIME LEFT$/);
    expect(table.split('\n')[1]).toMatch(/^fetch-account-data-alice-mxbank\s+alice\s+mxbank\s+TEXT,OPTIONS\s+4m 05s$/);
    expect(pendingTable([], now)).toBe('No runs are waiting for MFA.');
  });

  it('gives scripts the same facts as JSON', () => {
    expect(pendingJson([waitingRun()], now)).toEqual([
      {
        workflowId: 'fetch-account-data-alice-mxbank',
        runId: 'run-1',
        workflowType: 'fetchAccountData',
        userId: 'alice',
        institutionCode: 'mxbank',
        challengeTypes: ['TEXT', 'OPTIONS'],
        round: 1,
        deadline: '2025-01-01T12:04:05Z',
        secondsLeft: 245,
        problem: null,
      },
    ]);
  });
});

describe('answer outcomes', () => {
  it('says what MX did and exits 0 only when MX took the answers', () => {
    const connected = describeOutcome({
      kind: 'applied',
      result: { round: 1, outcome: 'CONNECTED', connectionStatus: 'CONNECTED', message: 'Job done.' },
    });
    expect(connected).toEqual({
      text: 'Accepted (round 1): MX connected the member (connection status CONNECTED). Job done.',
      exitCode: 0,
    });
    const rejected = describeOutcome({
      kind: 'applied',
      result: { round: 2, outcome: 'REJECTED', connectionStatus: 'REJECTED', message: 'Wrong answer.' },
    });
    expect(rejected.exitCode).toBe(3);
    expect(rejected.text).toBe('MX rejected the answers (round 2) (connection status REJECTED): Wrong answer.');
    const refused = describeOutcome({ kind: 'rejected', reason: 'Challenge CRD-9 is not part of the current MFA round 1.' });
    expect(refused).toEqual({
      text: 'Rejected, nothing was sent to MX: Challenge CRD-9 is not part of the current MFA round 1.',
      exitCode: 3,
    });
  });
});
