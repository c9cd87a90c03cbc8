// Who may use the support page: whoever knows the token signs in once and gets a session cookie
// (HttpOnly, SameSite=Strict). Each session has its own CSRF token, checked on every POST.
import { randomBytes, timingSafeEqual, createHash } from 'node:crypto';

export interface Session {
  id: string;
  csrfToken: string;
  expiresAt: number;
}

export const SESSION_COOKIE = 'mx_support_session';
const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

export function randomToken(): string {
  return randomBytes(24).toString('base64url');
}

/** Constant-time comparison; hashing first makes the lengths equal, so length leaks nothing either. */
export function sameSecret(given: unknown, expected: string): boolean {
  if (typeof given !== 'string' || given.length === 0) return false;
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

/**
 * The sign-in token: the configured one, or on loopback a fresh one per start (printed in the login URL).
 * Bound beyond loopback, a page that can send MFA answers must not run without a configured token.
 */
export function resolveToken(host: string, configured: string | undefined): { token: string; generated: boolean } {
  if (configured) return { token: configured, generated: false };
  if (!isLoopbackHost(host)) {
    throw new Error(`SUPPORT_WEB_TOKEN is required when the support page listens beyond localhost (SUPPORT_WEB_HOST=${host}).`);
  }
  return { token: randomToken(), generated: true };
}

export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  create(now = Date.now()): Session {
    this.prune(now);
    const session = { id: randomToken(), csrfToken: randomToken(), expiresAt: now + SESSION_TTL_MS };
    this.sessions.set(session.id, session);
    return session;
  }

  find(id: string | undefined, now = Date.now()): Session | null {
    if (!id) return null;
    const session = this.sessions.get(id);
    if (!session || session.expiresAt <= now) return null;
    return session;
  }

  delete(id: string | undefined): void {
    if (id) this.sessions.delete(id);
  }

  private prune(now: number): void {
    for (const [id, session] of this.sessions) if (session.expiresAt <= now) this.sessions.delete(id);
  }
}

/**
 * Failed sign-ins per client address: after `failures` wrong tokens within `windowMs`, that address may
 * not try again (not even with the right token) until the window that began with its first failure
 * ends. A right token clears the count. Addresses are forgotten when their window ends; at most
 * `maxAddresses` are tracked, the oldest dropped first, so a flood of addresses cannot grow memory.
 */
export class SignInLimiter {
  readonly #attempts = new Map<string, { failures: number; windowEndsAt: number }>();

  constructor(
    private readonly failures = 5,
    private readonly windowMs = 60_000,
    private readonly maxAddresses = 10_000,
  ) {}

  /** Milliseconds this address must wait before it may try, or 0. */
  blockedFor(address: string, now = Date.now()): number {
    const entry = this.#current(address, now);
    return entry && entry.failures >= this.failures ? entry.windowEndsAt - now : 0;
  }

  failed(address: string, now = Date.now()): void {
    const entry = this.#current(address, now);
    if (entry) {
      entry.failures += 1;
      return;
    }
    if (this.#attempts.size >= this.maxAddresses) this.#attempts.delete(this.#attempts.keys().next().value!);
    this.#attempts.set(address, { failures: 1, windowEndsAt: now + this.windowMs });
  }

  succeeded(address: string): void {
    this.#attempts.delete(address);
  }

  #current(address: string, now: number) {
    const entry = this.#attempts.get(address);
    if (entry && entry.windowEndsAt <= now) {
      this.#attempts.delete(address);
      return undefined;
    }
    return entry;
  }
}
