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
