// The one plain-JSON argument both guides take, validated inside the workflow so that a bad start
// fails the run at once (INVALID_INPUT, every problem listed) instead of retrying a workflow task forever.
import { ApplicationFailure } from '@temporalio/workflow';
import { z } from 'zod';
import { FAILURE_TYPES } from '../src/failures/catalogue';
import { duration } from './duration';
import { carriedStateSchema } from './carried-state';
import { secretProblem } from './secret-values';
import { undecodableReason } from './undecodable';

/** Safe in workflow ids and storage keys, and still any partner id a person would choose. */
const partnerId = z.string().regex(/^[A-Za-z0-9._@-]{1,100}$/, 'must be 1-100 characters of letters, digits, ".", "_", "@" or "-"');
const isoDate = z.iso.date('must be a date as YYYY-MM-DD');
/** A credential value, usually sealed: its length is checked on what is inside, so 1 MB fails here, not at MX. */
const credentialValue = z.string().superRefine((value, ctx) => {
  const problem = secretProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

const inputSchema = z
  .strictObject({
    userId: partnerId,
    userEmail: z.email().optional(),
    userMetadata: z.string().max(10_000).optional(),
    institutionCode: z.string().min(1).optional(),
    institutionName: z.string().min(1).optional(),
    /** Keyed by the institution's credential field name or label (case-insensitive). */
    credentials: z.record(z.string().min(1), credentialValue).optional(),
    memberId: partnerId.optional(),
    memberMetadata: z.string().max(10_000).optional(),
    backgroundAggregationIsDisabled: z.boolean().optional(),
    fromDate: isoDate.optional(),
    toDate: isoDate.optional(),
    polling: z
      .strictObject({
        initialInterval: duration(3_000),
        maxInterval: duration(30_000),
        backoffCoefficient: z.number().min(1).max(10).default(1.5),
        deadline: duration(60 * 60_000),
      })
      .default({ initialInterval: 3_000, maxInterval: 30_000, backoffCoefficient: 1.5, deadline: 3_600_000 }),
    mfa: z
      .strictObject({ timeout: duration(10 * 60_000), maxRejections: z.number().int().min(0).max(10).default(2) })
      .default({ timeout: 600_000, maxRejections: 2 }),
    retries: z
      .strictObject({
        /** Fresh jobs after DEGRADED, DELAYED, FAILED or DISCONNECTED before INSTITUTION_UNAVAILABLE. */
        endStates: z.number().int().min(0).max(10).default(2),
        /** First wait after MX answers 409 (another job runs); doubles up to the polling cap. */
        conflictInterval: duration(5_000),
      })
      .default({ endStates: 2, conflictInterval: 5_000 }),
    statements: z.strictObject({ concurrency: z.number().int().min(1).max(16).default(4) }).default({ concurrency: 4 }),
    /** Continue-as-new once history passes this many events (or the server suggests it). */
    maxHistoryEvents: z.number().int().min(50).max(40_000).default(4_000),
    /** Set only by the workflow itself when it continues as new. */
    continued: carriedStateSchema.optional(),
  })
  .superRefine((input, ctx) => {
    for (const problem of missingFields(input)) ctx.addIssue({ code: 'custom', ...problem });
    if (input.fromDate && input.toDate && input.fromDate > input.toDate) {
      ctx.addIssue({ code: 'custom', path: ['fromDate'], message: 'must not be after toDate' });
    }
    if (input.polling.maxInterval < input.polling.initialInterval) {
      ctx.addIssue({ code: 'custom', path: ['polling', 'maxInterval'], message: 'must not be below initialInterval' });
    }
  });

/** The fields, for workflows that share their settings but not their input (refreshMember takes no credentials). */
export const guideInputShape = inputSchema.shape;

/** Fields required together; checked on the raw input too, since zod skips refinements of invalid objects. */
function missingFields(input: Record<string, unknown>): { path: string[]; message: string }[] {
  const problems: { path: string[]; message: string }[] = [];
  if (!input.institutionCode && !input.institutionName) {
    problems.push({ path: ['institutionCode'], message: 'institutionCode or institutionName is required' });
  }
  const credentials = input.credentials;
  if (!input.continued && (!credentials || typeof credentials !== 'object' || Object.keys(credentials).length === 0)) {
    problems.push({ path: ['credentials'], message: 'is required, e.g. {"username":"…","password":"…"}' });
  }
  return problems;
}

/** What the caller may send (durations as numbers or strings). */
export type GuideInput = z.input<typeof inputSchema>;
/** After validation: defaults filled, durations in milliseconds. */
export type GuideOptions = z.output<typeof inputSchema>;

/** Validates the input or fails the run (non-retryable). Messages name fields, never echo values. */
export function parseInput(input: unknown): GuideOptions {
  const undecodable = undecodableReason(input);
  if (undecodable) {
    throw ApplicationFailure.nonRetryable(
      `Invalid workflow input: it could not be decoded (${undecodable}). Next: start the run again with the codec server running (npm start or npm run codec).`,
      FAILURE_TYPES.invalidInput,
    );
  }
  const parsed = inputSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const where = issue.path.length ? issue.path.join('.') : 'input';
    return issue.code === 'unrecognized_keys' ? `${where}: unknown field(s) ${issue.keys.join(', ')}` : `${where}: ${issue.message}`;
  });
  const raw = typeof input === 'object' && input !== null ? (input as Record<string, unknown>) : {};
  for (const { path, message } of missingFields(raw)) {
    const line = `${path.join('.')}: ${message}`;
    if (!problems.includes(line)) problems.push(line);
  }
  throw ApplicationFailure.nonRetryable(`Invalid workflow input:\n- ${problems.join('\n- ')}`, FAILURE_TYPES.invalidInput);
}
