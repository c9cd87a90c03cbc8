// The local system agrees with itself across an `npm start` restart: a run waiting for MFA before the
// restart takes its answer after it and completes, because the Temporal server, the codec key and now
// the sandbox all keep their state in DATA_DIR.
import { afterAll, describe, expect, it } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { loadConfig } from '../../src/config';
import { loadDataConverter } from '../../src/temporal/data-converter';
import type { RunManifest } from '../../workflows/manifest';
import { answerMfaUpdate, progressQuery, type Progress } from '../../workflows/messages';
import { descendants, freePorts, killLeftovers, runStart, type StartRun, survivors } from './run-start';

const READY = '[start] Ready.';

async function connect(start: StartRun): Promise<{ client: Client; close: () => Promise<void> }> {
  const connection = await Connection.connect({ address: `127.0.0.1:${start.ports.TEMPORAL_PORT}` });
  const dataConverter = await loadDataConverter(loadConfig({ DATA_DIR: start.dataDir }));
  return { client: new Client({ connection, dataConverter }), close: () => connection.close() };
}

async function waitForMfa(client: Client, workflowId: string): Promise<Progress> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const progress = await client.workflow
      .getHandle(workflowId)
      .query(progressQuery)
      .catch(() => undefined);
    if (progress?.mfa.awaiting) return progress;
    if (Date.now() > deadline) throw new Error(`no MFA wait; last progress: ${JSON.stringify(progress)}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

describe('npm start restarted', () => {
  const runs: StartRun[] = [];
  // Once npm start's own process is gone its children are no longer found below it: remember them.
  const seen = new Set<number>();
  afterAll(() => {
    runs.forEach((run) => run.killAll());
    if (runs[0]) killLeftovers(seen, runs[0].dataDir);
  });

  it('a run waiting for MFA continues after the restart', { timeout: 600_000 }, async () => {
    const first = runStart(await freePorts());
    runs.push(first);
    await first.waitFor(READY, 240_000);
    const workflowId = 'fetch-account-data-restart-mxbank';
    let temporal = await connect(first);
    await temporal.client.workflow.start('fetchAccountData', {
      taskQueue: 'mx-guides',
      workflowId,
      args: [
        {
          userId: 'restart',
          institutionCode: 'mxbank',
          credentials: { username: 'mxuser', password: 'challenge' },
          polling: { initialInterval: '200ms', maxInterval: '1s' },
        },
      ],
    });
    const waiting = await waitForMfa(temporal.client, workflowId);
    await temporal.close();
    const pids = [first.process.pid!, ...descendants(first.process.pid!)];
    pids.forEach((pid) => seen.add(pid));
    first.interrupt();
    expect(await survivors(pids, 90_000)).toEqual([]);

    const second = runStart(first.ports, {}, first.dataDir);
    runs.push(second);
    await second.waitFor(READY, 240_000);
    descendants(second.process.pid!).forEach((pid) => seen.add(pid));
    temporal = await connect(second);
    try {
      const handle = temporal.client.workflow.getHandle(workflowId);
      const answered = await handle.executeUpdate(answerMfaUpdate, {
        args: [{ answers: [{ guid: waiting.mfa.challenges[0]!.guid, value: 'correct' }] }],
      });
      expect(answered.outcome).toBe('CONNECTED');
      const manifest = (await handle.result()) as RunManifest;
      expect(manifest.member.guid).toBe(waiting.memberGuid);
      expect(manifest.accounts!.count).toBeGreaterThan(0);
    } finally {
      await temporal.close();
    }
    second.interrupt();
    await second.exited;
  });
});
