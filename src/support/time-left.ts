// How long an agent has before the current MFA round times out, in the form read aloud on a call.

/** Whole seconds until `deadline` (ISO), negative once past; null without a deadline. */
export function secondsLeft(deadline: string | null, now: Date = new Date()): number | null {
  if (!deadline) return null;
  const at = Date.parse(deadline);
  if (Number.isNaN(at)) return null;
  return Math.floor((at - now.getTime()) / 1000);
}

/** "4m 05s", "1h 02m", "12s", "expired", or "no deadline". */
export function formatTimeLeft(deadline: string | null, now: Date = new Date()): string {
  const seconds = secondsLeft(deadline, now);
  if (seconds === null) return 'no deadline';
  if (seconds <= 0) return 'expired';
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h > 0) return `${h}h ${pad(m)}m`;
  if (m > 0) return `${m}m ${pad(s)}s`;
  return `${s}s`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
