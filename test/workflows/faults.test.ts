// Transient faults never fail a run (issue 11): 40 runs of both guides at once, against a sandbox that
// faults about 30% of MX requests (429 with Retry-After, 503, garbled JSON bodies, PDF bodies cut
// mid-way), then 50%. Every run must complete, its files exactly what a fault-free run writes. The
// retry policy is the production one (workflows/activity-proxies.ts); only the polling is fast.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities, systemClock } from '../../activities';
import type { ExportResult } from '../../activities/types';
import { SANDBOX_API_KEY, SANDBOX_CLIENT_ID } from '../../src/config';
import { createMxClient } from '../../src/mx/client';
import { createLocalStorage } from '../../src/storage/local';
import type { RunManifest } from '../../workflows/manifest';
import { FAULT_TOLERANT_POLLING, guideOf, retriesOf } from './fault-runs';
import { startGuideEnv, type GuideEnv } from './guide-env';

const RUNS = 40;
/** Two pages of transactions per account, so an export can fail between pages and resume. */
const TRANSACTIONS_PER_ACCOUNT = 1100;

const sha256 = (env: GuideEnv, key: string) =>
  createHash('sha256')
    .update(readFileSync(join(env.storageDir, key)))
    .digest('hex');

describe.each([0.3, 0.5])('with %s of MX requests faulted', (rate) => {
  let env: GuideEnv;
  beforeAll(async () => {
    env = await startGuideEnv({ transactionsPerAccount: TRANSACTIONS_PER_ACCOUNT });
  });
  afterAll(async () => {
    await env?.close();
  });

  // At 50% the slowest run took 8.5 minutes in the bench.
  it(`completes all ${RUNS} runs of both guides with correct files`, { timeout: 900_000 }, async () => {
    env.sandbox.setFaults({ mixed: { rate } });
    const handles = await Promise.all(
      Array.from({ length: RUNS }, (_, i) =>
        env.start(guideOf(i), { userId: `faults-${rate}-${i}-${Date.now()}`, polling: FAULT_TOLERANT_POLLING }),
      ),
    );
    const outcomes = await Promise.allSettled(handles.map(async (handle) => (await handle.result()) as RunManifest));
    env.sandbox.setFaults({});

    const failed = outcomes.flatMap((o, i) =>
      o.status === 'rejected' ? [`${handles[i]!.workflowId}: ${String(o.reason?.cause?.message ?? o.reason)}`] : [],
    );
    expect(failed).toEqual([]);
    const manifests = outcomes.map((o) => (o as PromiseFulfilledResult<RunManifest>).value);
    console.log(`[faults ${rate}] ${slowestPhases(manifests)}`);
    for (const manifest of manifests) {
      if (manifest.guide === 'fetchAccountData') await checkExport(env, manifest);
      else await checkStatements(env, manifest);
    }
    expect(leftovers(env.storageDir)).toEqual([]);
    // The faults really happened: without retries this test would prove nothing.
    const retries = await Promise.all(handles.map((h: WorkflowHandle) => retriesOf(h)));
    expect(retries.reduce((sum, r) => sum + r.retries, 0)).toBeGreaterThan(RUNS);
  });
});

/** Per guide, the slowest run and the slowest time seen in each phase: where the faults cost most. */
function slowestPhases(manifests: RunManifest[]): string {
  const guides = [...new Set(manifests.map((m) => m.guide))];
  return guides
    .map((guide) => {
      const own = manifests.filter((m) => m.guide === guide);
      const total = Math.max(...own.map((m) => Date.parse(m.completedAt) - Date.parse(m.startedAt)));
      const phases = [...new Set(own.flatMap((m) => Object.keys(m.phasesMs)))].map(
        (phase) => `${phase} ${Math.round(Math.max(...own.map((m) => m.phasesMs[phase] ?? 0)) / 1000)} s`,
      );
      return `${guide}: slowest run ${Math.round(total / 1000)} s; slowest per phase: ${phases.join(', ')}`;
    })
    .join(' | ');
}

/** The same bytes as an export of the same member and window with no faults at all. */
async function checkExport(env: GuideEnv, manifest: RunManifest): Promise<void> {
  const mx = createMxClient({ baseUrl: env.sandboxUrl, clientId: SANDBOX_CLIENT_ID, apiKey: SANDBOX_API_KEY, timeoutMs: 5_000 });
  const activities = createActivities({ mx, storage: createLocalStorage(env.storageDir), clock: systemClock });
  const reference: ExportResult = await activities.exportAccountsAndTransactions({
    userGuid: manifest.user.guid,
    memberGuid: manifest.member.guid,
    ...manifest.window!,
    keyPrefix: `reference/${manifest.runId}`,
  });
  const exported = manifest.accounts!;
  expect(exported.transactionCount).toBe(reference.transactionCount);
  expect(exported.transactionCount).toBeGreaterThan(5 * 1000);
  expect(exported.perAccount).toEqual(reference.accounts);
  expect(sha256(env, exported.accountsKey)).toBe(sha256(env, reference.accountsKey));
  expect(sha256(env, exported.transactionsKey)).toBe(sha256(env, reference.transactionsKey));
}

/** Every statement MX holds for the member, each file hashing to MX's content_hash. */
async function checkStatements(env: GuideEnv, manifest: RunManifest): Promise<void> {
  const held = await env.sandboxGet<{ statements: { guid: string; content_hash: string }[]; pagination: { total_entries: number } }>(
    `/users/${manifest.user.guid}/members/${manifest.member.guid}/statements?records_per_page=1000`,
  );
  const files = manifest.statements!.files;
  expect(held.pagination.total_entries).toBeGreaterThan(0);
  expect(files).toHaveLength(held.pagination.total_entries);
  const hashes = new Map(held.statements.map((s) => [s.guid, s.content_hash]));
  for (const file of files) expect(sha256(env, file.key)).toBe(hashes.get(file.guid));
}

/** Staging parts and temporary files: none may outlive a completed run. */
function leftovers(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.(part|partial)$/.test(e.name))
    .map((e) => join(e.parentPath, e.name));
}
