// Injected failures, so clients can prove they retry, back off and resume. Rates draw from a seeded
// generator (rate 1 = every request), and `next: N` hits exactly the next N matching requests. `mixed`
// faults one share of all requests, each with a kind drawn from those that fit the request.
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

/** What a mixed fault can do to a request; a JSON route gets no cut PDF, a PDF no garbled JSON. */
export const MIXED_FAULT_KINDS = ['rateLimit', 'serverError', 'garbledBody', 'pdfCut'] as const;
export type MixedFaultKind = (typeof MIXED_FAULT_KINDS)[number];
const PDF_KINDS: readonly MixedFaultKind[] = ['rateLimit', 'serverError', 'pdfCut'];
const JSON_KINDS: readonly MixedFaultKind[] = ['rateLimit', 'serverError', 'garbledBody'];

export const faultOptionsSchema = z
  .object({
    /** Delay before answering: fixed, or uniform in [min, max]. */
    latencyMs: z.union([z.number().min(0), z.object({ min: z.number().min(0), max: z.number().min(0) }).strict()]).optional(),
    /** Hold the matching requests this long before answering (on top of latencyMs): one slow call. */
    slow: z
      .object({ ...trigger, ms: z.number().int().min(1) })
      .strict()
      .optional(),
    rateLimit: z
      .object({ ...trigger, retryAfterSeconds: z.number().int().min(0).default(1) })
      .strict()
      .optional(),
    serverError: z
      .object({ ...trigger, status: z.number().int().min(500).max(599).default(503) })
      .strict()
      .optional(),
    /** A 2xx JSON body cut short, as a proxy or a dropped connection leaves it: not valid JSON. */
    garbledBody: z.object(trigger).strict().optional(),
    /** This share of requests faulted, each with one of `kinds` (all by default) that fits it. */
    mixed: z
      .object({
        rate: z.number().min(0).max(1),
        match: trigger.match,
        kinds: z.array(z.enum(MIXED_FAULT_KINDS)).min(1).optional(),
        retryAfterSeconds: z.number().int().min(0).default(1),
        status: z.number().int().min(500).max(599).default(503),
      })
      .strict()
      .optional(),
    /** Cut the connection after this many bytes of a statement PDF body. */
    pdfCut: z
      .object({ afterBytes: z.number().int().min(0), next: z.number().int().min(0).optional() })
      .strict()
      .optional(),
    /** Send statement PDF bodies at this many bytes per second. */
    pdfBytesPerSecond: z.number().int().positive().optional(),
  })
  .strict();

export type FaultOptions = z.input<typeof faultOptionsSchema>;
type Parsed = z.output<typeof faultOptionsSchema>;

export interface FaultDecision {
  delayMs: number;
  reject?: { statusCode: number; message: string; headers: Record<string, string> };
  /** Cut a 2xx JSON body short at this share of its length. */
  garbleAt?: number;
  /** Cut a PDF body after this share of its bytes. */
  cutPdfAt?: number;
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
    const { slow, rateLimit, serverError, garbledBody, mixed } = this.options;
    if (slow && this.hits(slow, path)) decision.delayMs += slow.ms;
    if (rateLimit && this.hits(rateLimit, path)) {
      decision.reject = tooManyRequests(rateLimit.retryAfterSeconds);
    } else if (serverError && this.hits(serverError, path)) {
      decision.reject = serverFailure(serverError.status);
    } else if (garbledBody && !path.endsWith('.pdf') && this.hits(garbledBody, path)) {
      decision.garbleAt = this.random();
    } else if (mixed && this.hits(mixed, path)) {
      this.applyMixed(mixed, path, decision);
    }
    return decision;
  }

  /** The body as a cut connection leaves it: a strict prefix of a JSON object never parses. */
  garble(payload: string, decision: FaultDecision | undefined): string {
    if (decision?.garbleAt === undefined) return payload;
    const body = payload.trimEnd();
    return body.slice(0, Math.floor(decision.garbleAt * (body.length - 1)));
  }

  /** Bytes after which this PDF download (of `bodyBytes`) is cut, if it is to be cut. */
  pdfCutAfter(bodyBytes: number, decision?: FaultDecision): number | undefined {
    if (decision?.cutPdfAt !== undefined) return Math.floor(decision.cutPdfAt * bodyBytes);
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

  private applyMixed(mixed: NonNullable<Parsed['mixed']>, path: string, decision: FaultDecision): void {
    const fitting = path.endsWith('.pdf') ? PDF_KINDS : JSON_KINDS;
    const kinds = (mixed.kinds ?? MIXED_FAULT_KINDS).filter((kind) => fitting.includes(kind));
    if (kinds.length === 0) return;
    const kind = kinds[Math.floor(this.random() * kinds.length)];
    if (kind === 'rateLimit') decision.reject = tooManyRequests(mixed.retryAfterSeconds);
    else if (kind === 'serverError') decision.reject = serverFailure(mixed.status);
    else if (kind === 'garbledBody') decision.garbleAt = this.random();
    else decision.cutPdfAt = this.random();
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

function tooManyRequests(retryAfterSeconds: number): NonNullable<FaultDecision['reject']> {
  return {
    statusCode: 429,
    message: 'Too many requests (sandbox fault). Retry after the Retry-After delay.',
    headers: { 'retry-after': String(retryAfterSeconds) },
  };
}

function serverFailure(status: number): NonNullable<FaultDecision['reject']> {
  return { statusCode: status, message: 'Something went wrong on the server (sandbox fault).', headers: {} };
}
