// Injected failures, so clients can prove they retry, back off and resume. Rates draw from a seeded
// generator (rate 1 = every request), and `next: N` hits exactly the next N matching requests.
import { z } from 'zod';
import { seededRandom } from './ids';

const trigger = {
  /** Share of requests hit, 0..1. */
  rate: z.number().min(0).max(1).optional(),
  /** Hit the next N matching requests, then stop. */
  next: z.number().int().min(0).optional(),
  /** Only requests whose path contains this text. */
  match: z.string().min(1).optional(),
};

export const faultOptionsSchema = z
  .object({
    /** Delay before answering: fixed, or uniform in [min, max]. */
    latencyMs: z.union([z.number().min(0), z.object({ min: z.number().min(0), max: z.number().min(0) }).strict()]).optional(),
    rateLimit: z.object({ ...trigger, retryAfterSeconds: z.number().int().min(0).default(1) }).strict().optional(),
    serverError: z.object({ ...trigger, status: z.number().int().min(500).max(599).default(503) }).strict().optional(),
    /** Cut the connection after this many bytes of a statement PDF body. */
    pdfCut: z.object({ afterBytes: z.number().int().min(0), next: z.number().int().min(0).optional() }).strict().optional(),
    /** Send statement PDF bodies at this many bytes per second. */
    pdfBytesPerSecond: z.number().int().positive().optional(),
  })
  .strict();

export type FaultOptions = z.input<typeof faultOptionsSchema>;
type Parsed = z.output<typeof faultOptionsSchema>;

export interface FaultDecision {
  delayMs: number;
  reject?: { statusCode: number; message: string; headers: Record<string, string> };
}

export class Faults {
  private options: Parsed = {};
  private readonly random: () => number;

  constructor(seed: number, initial: FaultOptions = {}) {
    this.random = seededRandom(seed ^ 0x5eed);
    this.set(initial);
  }

  /** Replaces every fault (an empty object clears them). Throws a readable message on bad options. */
  set(options: FaultOptions): void {
    const parsed = faultOptionsSchema.safeParse(options);
    if (!parsed.success) {
      throw new Error(parsed.error.issues.map((issue) => `faults.${issue.path.join('.')}: ${issue.message}`).join('; '));
    }
    this.options = parsed.data;
  }

  get current(): FaultOptions {
    return this.options;
  }

  decide(path: string): FaultDecision {
    const decision: FaultDecision = { delayMs: this.latency() };
    const { rateLimit, serverError } = this.options;
    if (rateLimit && this.hits(rateLimit, path)) {
      decision.reject = {
        statusCode: 429,
        message: 'Too many requests (sandbox fault). Retry after the Retry-After delay.',
        headers: { 'retry-after': String(rateLimit.retryAfterSeconds) },
      };
    } else if (serverError && this.hits(serverError, path)) {
      decision.reject = { statusCode: serverError.status, message: 'Something went wrong on the server (sandbox fault).', headers: {} };
    }
    return decision;
  }

  /** Bytes after which this PDF download is cut, if it is to be cut. */
  pdfCutAfter(): number | undefined {
    const cut = this.options.pdfCut;
    if (!cut) return undefined;
    if (cut.next === undefined) return cut.afterBytes;
    if (cut.next === 0) return undefined;
    cut.next -= 1;
    return cut.afterBytes;
  }

  get pdfBytesPerSecond(): number | undefined {
    return this.options.pdfBytesPerSecond;
  }

  private latency(): number {
    const latency = this.options.latencyMs;
    if (latency === undefined) return 0;
    if (typeof latency === 'number') return latency;
    return latency.min + (Math.max(latency.max, latency.min) - latency.min) * this.random();
  }

  private hits(trigger: { rate?: number; next?: number; match?: string }, path: string): boolean {
    if (trigger.match !== undefined && !path.includes(trigger.match)) return false;
    if (trigger.next !== undefined && trigger.next > 0) {
      trigger.next -= 1;
      return true;
    }
    return trigger.rate !== undefined && trigger.rate > 0 && this.random() < trigger.rate;
  }
}
