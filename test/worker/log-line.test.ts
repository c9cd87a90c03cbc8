// Worker log entries come out as one line each, errors included.
import { describe, expect, it } from 'vitest';
import { ApplicationFailure, ApplicationFailureCategory } from '@temporalio/common';
import { logLine } from '../../src/worker/log-line';

const at = BigInt(Date.UTC(2026, 11, 2, 8, 0, 0)) * 1_000_000n;

describe('logLine', () => {
  it('prints a retried MX fault as one line with its type and message, no stack', () => {
    const error = ApplicationFailure.create({
      message: 'MX readMemberStatus 429 (GET /users/U/members/M/status) rate limited',
      type: 'MxRateLimited',
      category: ApplicationFailureCategory.BENIGN,
    });
    const line = logLine({ level: 'DEBUG', message: 'Activity failed', timestampNanos: at, meta: { error, durationMs: 12 } });
    expect(line).toBe(
      '2026-12-02T08:00:00.000Z [DEBUG] Activity failed {"error":"ApplicationFailure (MxRateLimited): MX readMemberStatus 429 (GET /users/U/members/M/status) rate limited","durationMs":12}',
    );
  });

  it("keeps an unexpected error's stack, on the same line", () => {
    const line = logLine({ level: 'WARN', message: 'Activity failed', timestampNanos: at, meta: { error: new TypeError('boom') } });
    expect(line.split('\n')).toHaveLength(1);
    expect(line).toContain('TypeError: boom\\n    at ');
  });

  it('prints an entry without meta as time, level and message', () => {
    expect(logLine({ level: 'INFO', message: 'Worker state changed', timestampNanos: at })).toBe(
      '2026-12-02T08:00:00.000Z [INFO] Worker state changed',
    );
  });
});
