// WORKER_* tuning variables: parsed into Config.workerTuning, refused with the variable named when
// invalid, and turned into the SDK's Worker options by create-worker.ts (unset = the SDK's default).
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config';
import { tuningOptions } from '../../src/worker/create-worker';

describe('worker tuning variables', () => {
  it('leaves every setting to the default when none is set', () => {
    expect(loadConfig({}).workerTuning).toEqual({});
    expect(tuningOptions(loadConfig({}).workerTuning)).toEqual({});
  });

  it('reads each variable into the Worker option it names', () => {
    const config = loadConfig({
      WORKER_MAX_CACHED_WORKFLOWS: '150',
      WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: '20',
      WORKER_MAX_CONCURRENT_ACTIVITIES: '300',
      WORKER_MAX_CONCURRENT_LOCAL_ACTIVITIES: '200',
      WORKER_WORKFLOW_TASK_POLLERS: '4',
      WORKER_ACTIVITY_TASK_POLLERS: '8',
      WORKER_REUSE_V8_CONTEXT: 'false',
      WORKER_WORKFLOW_HEAP_MB: '256',
    });
    expect(config.workerTuning.workflowHeapMb).toBe(256);
    expect(tuningOptions(config.workerTuning)).toEqual({
      maxCachedWorkflows: 150,
      maxConcurrentWorkflowTaskExecutions: 20,
      maxConcurrentActivityTaskExecutions: 300,
      maxConcurrentLocalActivityExecutions: 200,
      workflowTaskPollerBehavior: { type: 'simple-maximum', maximum: 4 },
      activityTaskPollerBehavior: { type: 'simple-maximum', maximum: 8 },
      reuseV8Context: false,
    });
  });

  it('sizes the cache to a workflow heap limit when no cache size is given, as the SDK sizes its default', () => {
    expect(tuningOptions(loadConfig({ WORKER_WORKFLOW_HEAP_MB: '384' }).workerTuning)).toEqual({ maxCachedWorkflows: 107 });
    expect(tuningOptions(loadConfig({ WORKER_WORKFLOW_HEAP_MB: '128' }).workerTuning)).toEqual({ maxCachedWorkflows: 10 });
    const both = loadConfig({ WORKER_WORKFLOW_HEAP_MB: '384', WORKER_MAX_CACHED_WORKFLOWS: '50' }).workerTuning;
    expect(tuningOptions(both)).toEqual({ maxCachedWorkflows: 50 });
  });

  it('accepts 0 cached workflows (the cache off) but not 0 pollers or fewer than 2 workflow task slots', () => {
    expect(loadConfig({ WORKER_MAX_CACHED_WORKFLOWS: '0' }).workerTuning.maxCachedWorkflows).toBe(0);
    const message = (() => {
      try {
        loadConfig({
          WORKER_WORKFLOW_TASK_POLLERS: '0',
          WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: '1',
          WORKER_MAX_CONCURRENT_ACTIVITIES: 'many',
          WORKER_REUSE_V8_CONTEXT: 'yes',
          WORKER_WORKFLOW_HEAP_MB: '16',
        });
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as Error).message;
      }
      return expect.fail('the configuration was accepted');
    })();
    expect(message).toContain('WORKER_WORKFLOW_TASK_POLLERS');
    expect(message).toContain('WORKER_MAX_CONCURRENT_WORKFLOW_TASKS');
    expect(message).toContain('WORKER_MAX_CONCURRENT_ACTIVITIES');
    expect(message).toContain('WORKER_REUSE_V8_CONTEXT: must be true or false');
    expect(message).toContain('WORKER_WORKFLOW_HEAP_MB');
  });
});
