// What a run hands to its continuation (continue-as-new): everything learned so far, never credentials.
import { z } from 'zod';

export const carriedStateSchema = z.object({
  userGuid: z.string(),
  memberGuid: z.string(),
  memberReused: z.boolean(),
  institution: z.object({ code: z.string(), name: z.string().nullable() }),
  startedAt: z.string(),
  deadline: z.string(),
  /** True once this run started its own job: after continuing, that job is followed, not started again. */
  ownJobStarted: z.boolean(),
  /** The run's counters (GuideRun.counters), carried as they are. */
  attempts: z.object({
    polls: z.number(),
    jobStarts: z.number(),
    mfaRounds: z.number(),
    jobRetries: z.number(),
    rejections: z.number(),
  }),
  ignoredAnswers: z.number(),
  phasesMs: z.record(z.string(), z.number()),
  continuations: z.number(),
});

export type CarriedState = z.infer<typeof carriedStateSchema>;
export type Counters = CarriedState['attempts'];
