// Durations in workflow input: milliseconds as a number, or a string such as "200ms", "3s", "10m", "1h".
// Parsed here (not with a library) so that the error names the field and the accepted forms.
import { z } from 'zod';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };
const PATTERN = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)$/;

export function parseDurationMs(value: number | string): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value > 0 ? value : undefined;
  const match = PATTERN.exec(value.trim());
  if (!match) return undefined;
  const ms = Number(match[1]) * (UNIT_MS[match[2] as string] as number);
  return ms > 0 ? Math.round(ms) : undefined;
}

/** A zod field that accepts a duration and yields milliseconds. */
export function duration(defaultMs: number) {
  return z
    .union([z.number(), z.string()])
    .optional()
    .transform((value, ctx) => {
      if (value === undefined) return defaultMs;
      const ms = parseDurationMs(value);
      if (ms === undefined) {
        ctx.addIssue({ code: 'custom', message: 'must be a positive duration: milliseconds, or e.g. "200ms", "3s", "10m", "1h"' });
        return z.NEVER;
      }
      return ms;
    });
}

/** "6 s", "250 ms", "2 min": for summaries and messages a person reads. */
export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${Math.round(ms / 100) / 10} s`;
  return `${Math.round(ms / 6_000) / 10} min`;
}
