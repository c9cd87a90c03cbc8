// The metrics' workflow interceptor must not change what the guides do: every recorded history replays
// with the bundle the worker really runs (src/worker/bundle.ts, interceptor included), and replay
// counts nothing (sinks are not called during replay, so a cache eviction never counts a run twice).
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Worker } from '@temporalio/worker';
import { createGuideMetrics } from '../../src/metrics/guide-metrics';
import { workflowMetricsSinks } from '../../src/metrics/workflow-sinks';
import { buildWorkflowBundle } from '../../src/worker/bundle';
import { parseExposition } from './exposition';

const dir = resolve('test/histories');
const histories = readdirSync(dir).filter((name) => name.endsWith('.json'));

describe('replay with the metrics interceptor', () => {
  let code: string;
  beforeAll(async () => {
    code = (await buildWorkflowBundle()).code;
    expect(code).toContain('mfaRoundOpened');
  });

  it('replays every recorded history and counts nothing while replaying', async () => {
    const metrics = createGuideMetrics({ processMetrics: false });
    expect(histories.length).toBeGreaterThan(5);
    for (const name of histories) {
      const history = JSON.parse(readFileSync(join(dir, name), 'utf8'));
      await Worker.runReplayHistory({ workflowBundle: { code }, sinks: workflowMetricsSinks(metrics), replayName: name }, history);
    }
    const { samples } = parseExposition(await metrics.registry.metrics());
    expect(samples.filter((s) => /runs_|mfa_/.test(s.name) && s.value !== 0)).toEqual([]);
  });
});
