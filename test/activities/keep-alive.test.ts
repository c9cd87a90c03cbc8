// Every activity tells Temporal it is alive while it runs, even when no progress is made, so a dead
// worker is noticed within the heartbeat timeout; the latest progress details ride along.
import { describe, expect, it } from 'vitest';
import { MockActivityEnvironment } from '@temporalio/testing';
import { heartbeater, KEEP_ALIVE_MS, keptAlive } from '../../activities/context';
import { systemClock } from '../../activities/deps';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('keptAlive', () => {
  it('heartbeats every second while an activity waits, repeating its latest progress', async () => {
    const activities = keptAlive({
      async slow() {
        heartbeater(systemClock)({ bytes: 42 });
        await sleep(3.5 * KEEP_ALIVE_MS);
        return 'done';
      },
    });
    const env = new MockActivityEnvironment();
    const beats: unknown[] = [];
    env.on('heartbeat', (d: unknown) => beats.push(d));
    expect(await env.run(activities.slow)).toBe('done');
    expect(beats.length).toBeGreaterThanOrEqual(4);
    expect(beats.every((d) => JSON.stringify(d) === '{"bytes":42}')).toBe(true);
    const after = beats.length;
    await sleep(1.5 * KEEP_ALIVE_MS);
    expect(beats.length).toBe(after); // stops with the activity
  });

  it('repeats the previous attempt’s details until this attempt reports its own, rather than erasing them', async () => {
    const activities = keptAlive({ waits: async () => sleep(1.5 * KEEP_ALIVE_MS) });
    const env = new MockActivityEnvironment({ heartbeatDetails: { durableBytes: 7 } });
    const beats: unknown[] = [];
    env.on('heartbeat', (d: unknown) => beats.push(d));
    await env.run(activities.waits);
    expect(beats).toEqual([{ durableBytes: 7 }]);
  });

  it('outside Temporal (scripts, plain tests) it just runs the function', async () => {
    expect(await keptAlive({ plain: async () => 5 }).plain()).toBe(5);
  });
});
