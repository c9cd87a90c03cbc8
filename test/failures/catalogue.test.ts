// The failure catalogue is the one list: unique names, a meaning and next action for each, the retry
// policy derived from it, importable by workflow code, and every type documented in the README.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ApplicationFailure, ActivityFailure, RetryState } from '@temporalio/common';
import { FAILURES, FAILURE_TYPES, failureOf, NON_RETRYABLE_ACTIVITY_TYPES } from '../../src/failures/catalogue';
import { activityFailedWith, activityFailure, activityFailureType, failRun } from '../../src/failures/raise';
import { RETRYABLE_ERROR_TYPES } from '../../src/mx/errors';
import { ACTIVITY_ERROR_TYPES } from '../../src/mx/error-types';

const entries = Object.values(FAILURES);

describe('the failure catalogue', () => {
  it('names every type once, each with a meaning and a next action', () => {
    expect(new Set(entries.map((f) => f.type)).size).toBe(entries.length);
    for (const f of entries) {
      expect(f.meaning.length, f.type).toBeGreaterThan(10);
      expect(f.next.length, f.type).toBeGreaterThan(10);
      expect(failureOf(f.type)).toBe(f);
    }
    expect(failureOf('NoSuchType')).toBeUndefined();
    expect(FAILURE_TYPES.mfaRejected).toBe('MFA_REJECTED');
  });

  it("holds the MX client's error types, and the retry policy skips exactly the non-retryable activity types", () => {
    for (const type of Object.values(ACTIVITY_ERROR_TYPES)) expect(failureOf(type)?.raisedBy, type).toBe('activity');
    for (const type of Object.values(RETRYABLE_ERROR_TYPES)) expect(failureOf(type)?.retryable, type).toBe(true);
    expect(NON_RETRYABLE_ACTIVITY_TYPES).toContain('MxJobConflict');
    expect(NON_RETRYABLE_ACTIVITY_TYPES).toContain('SealedSecretUnreadable');
    expect(NON_RETRYABLE_ACTIVITY_TYPES).not.toContain('MxRateLimited');
    expect(NON_RETRYABLE_ACTIVITY_TYPES).not.toContain('MFA_REJECTED');
  });

  it('imports nothing, so workflow code may import it', () => {
    expect(readFileSync('src/failures/catalogue.ts', 'utf8')).not.toMatch(/^import /m);
    expect(readFileSync('src/failures/raise.ts', 'utf8').match(/^import .* from '([^']+)'/gm)).toEqual([
      "import { ActivityFailure, ApplicationFailure } from '@temporalio/common'",
      "import type { FailureType } from './catalogue'",
    ]);
  });

  it('is what the README documents', () => {
    const readme = readFileSync('README.md', 'utf8');
    for (const f of entries) expect(readme, f.type).toContain(`\`${f.type}\``);
  });
});

describe('raising and recognising catalogued failures', () => {
  it('an activity failure takes its retry verdict from the catalogue', () => {
    expect(activityFailure(FAILURES.credentialsMismatch, 'no')).toMatchObject({ type: 'CredentialsMismatch', nonRetryable: true });
    expect(activityFailure(FAILURES.hashMismatch, 'cut', { nextRetryDelayMs: 500 })).toMatchObject({
      type: 'StatementHashMismatch',
      nonRetryable: false,
      nextRetryDelay: 500,
    });
  });

  it('failRun ends the run, non-retryable, with its details', () => {
    let thrown: unknown;
    try {
      failRun(FAILURES.deadlineExceeded, 'late', { connectionStatus: 'CHALLENGED' });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ApplicationFailure);
    expect(thrown).toMatchObject({ type: 'DEADLINE_EXCEEDED', nonRetryable: true, details: [{ connectionStatus: 'CHALLENGED' }] });
  });

  it('tells which type an activity failed with, and nothing for other errors', () => {
    const failed = (type: string) =>
      new ActivityFailure(
        'activity failed',
        'startAggregation',
        '1',
        RetryState.NON_RETRYABLE_FAILURE,
        undefined,
        ApplicationFailure.create({ type, message: 'x' }),
      );
    expect(activityFailureType(failed('MxJobConflict'))).toBe('MxJobConflict');
    expect(activityFailedWith(failed('MxJobConflict'), FAILURES.jobConflict)).toBe(true);
    expect(activityFailedWith(failed('MxBadRequest'), FAILURES.methodNotAllowed, FAILURES.badRequest)).toBe(true);
    expect(activityFailedWith(failed('MxNotFound'), FAILURES.jobConflict)).toBe(false);
    expect(activityFailureType(new Error('plain'))).toBeUndefined();
    expect(activityFailureType(ApplicationFailure.create({ type: 'MxJobConflict', message: 'not from an activity' }))).toBeUndefined();
  });
});
