// fetchAccountData on the real dev server, the sandbox and the real activities.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunManifest } from '../../workflows/manifest';
import { resultOf, startGuideEnv, type GuideEnv } from './guide-env';
import { guideScenarios } from './scenarios';

interface Page {
  pagination: { total_entries: number };
}

async function checkFiles(env: GuideEnv, manifest: RunManifest): Promise<void> {
  const today = new Date().toISOString().slice(0, 10);
  const ninetyDaysAgo = new Date(Date.parse(today) - 90 * 86_400_000).toISOString().slice(0, 10);
  expect(manifest.window).toEqual({ fromDate: ninetyDaysAgo, toDate: today });
  const accounts = manifest.accounts!;
  const lines = (key: string) => readFileSync(join(env.storageDir, key), 'utf8').split('\n').filter(Boolean);
  const member = `/users/${manifest.user.guid}/members/${manifest.member.guid}`;
  const held = await env.sandboxGet<Page>(`${member}/accounts?records_per_page=10`);
  const window = `from_date=${manifest.window!.fromDate}&to_date=${manifest.window!.toDate}`;
  const heldTransactions = await env.sandboxGet<Page>(`${member}/transactions?${window}&records_per_page=10`);
  expect(held.pagination.total_entries).toBeGreaterThan(0);
  expect(lines(accounts.accountsKey)).toHaveLength(held.pagination.total_entries);
  expect(heldTransactions.pagination.total_entries).toBeGreaterThan(0);
  expect(lines(accounts.transactionsKey)).toHaveLength(heldTransactions.pagination.total_entries);
  expect(accounts.perAccount.reduce((sum, a) => sum + a.transactions, 0)).toBe(accounts.transactionCount);
  expect(JSON.parse(readFileSync(join(env.storageDir, manifest.manifestKey), 'utf8'))).toEqual(manifest);
}

describe('fetchAccountData', () => {
  guideScenarios('fetchAccountData', checkFiles);
});

describe('fetchAccountData on a long wait', () => {
  it('continues as new when history grows, without carrying credentials, and still finishes', { timeout: 90_000 }, async () => {
    // Polls come about a second apart (the dev server fires timers on a one-second tick), a few events
    // each: a ten-second job takes the history well past 50 events.
    const slow = await startGuideEnv({ jobDurationMs: 10_000 });
    try {
      const handle = await slow.start('fetchAccountData', {
        polling: { initialInterval: '20ms', maxInterval: '20ms', deadline: '60s' },
        maxHistoryEvents: 50,
      });
      const manifest = await resultOf(handle);
      expect(manifest.attempts.continuations).toBeGreaterThanOrEqual(1);
      expect(manifest.member.connectionStatus).toBe('CONNECTED');
      await checkFiles(slow, manifest);
      const history = await handle.fetchHistory();
      const input = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0]?.data;
      const started = JSON.parse(Buffer.from(input ?? new Uint8Array()).toString('utf8'));
      expect(started.continued).toBeDefined();
      expect(started.credentials).toBeUndefined();
      expect(history.events!.length).toBeLessThan(200);
    } finally {
      await slow.close();
    }
  });
});

describe('fetchAccountData round trips', () => {
  it('takes at most four workflow tasks without MFA: the short MX calls run inside them, only the export is scheduled', async () => {
    const env = await startGuideEnv();
    try {
      const handle = await env.start('fetchAccountData', {});
      await resultOf(handle);
      const events = (await handle.fetchHistory()).events ?? [];
      const tasks = events.filter((e) => e.workflowTaskCompletedEventAttributes).length;
      expect(tasks).toBeLessThanOrEqual(4);
      const scheduled = events.flatMap((e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? []);
      expect(scheduled).toEqual(['exportAccountsAndTransactions']);
      expect(events.some((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity')).toBe(true);
    } finally {
      await env.close();
    }
  });
});
