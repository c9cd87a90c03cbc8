import { describe, expect, it } from 'vitest';
import { AnswerFormError, readAnswerForm } from '../../src/support/web/answer-form';
import { isLoopbackHost, resolveToken, sameSecret, SessionStore, SignInLimiter } from '../../src/support/web/sessions';

describe('sign-in token', () => {
  it('uses the configured token, generates one on loopback, and refuses to run publicly without one', () => {
    expect(resolveToken('0.0.0.0', 'a-configured-token-123')).toEqual({ token: 'a-configured-token-123', generated: false });
    for (const host of ['127.0.0.1', 'localhost', '::1', '[::1]']) {
      const { token, generated } = resolveToken(host, undefined);
      expect(generated).toBe(true);
      expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    }
    expect(resolveToken('127.0.0.1', undefined).token).not.toBe(resolveToken('127.0.0.1', undefined).token);
    expect(() => resolveToken('0.0.0.0', undefined)).toThrow(
      'SUPPORT_WEB_TOKEN is required when the support page listens beyond localhost (SUPPORT_WEB_HOST=0.0.0.0).',
    );
    expect(isLoopbackHost('10.0.0.5')).toBe(false);
    expect(isLoopbackHost('127.1.2.3')).toBe(true);
  });

  it('compares secrets exactly, whatever their type or length', () => {
    expect(sameSecret('abc', 'abc')).toBe(true);
    expect(sameSecret('abd', 'abc')).toBe(false);
    expect(sameSecret('abcd', 'abc')).toBe(false);
    expect(sameSecret('', 'abc')).toBe(false);
    expect(sameSecret(['abc'], 'abc')).toBe(false);
    expect(sameSecret(undefined, 'abc')).toBe(false);
  });
});

describe('sessions', () => {
  it('gives each session its own CSRF token and forgets expired or deleted sessions', () => {
    const store = new SessionStore();
    const a = store.create(1_000);
    const b = store.create(1_000);
    expect(a.csrfToken).not.toBe(b.csrfToken);
    expect(store.find(a.id, 2_000)).toBe(a);
    expect(store.find(a.id, a.expiresAt)).toBeNull();
    store.delete(b.id);
    expect(store.find(b.id, 2_000)).toBeNull();
    expect(store.find(undefined)).toBeNull();
    expect(store.find('made-up')).toBeNull();
  });
});

describe('sign-in limit', () => {
  it('blocks an address after too many wrong tokens until its window ends, and forgets it after a right one', () => {
    const limiter = new SignInLimiter(3, 60_000);
    for (let i = 0; i < 3; i++) {
      expect(limiter.blockedFor('10.0.0.1', 1_000)).toBe(0);
      limiter.failed('10.0.0.1', 1_000 + i);
    }
    expect(limiter.blockedFor('10.0.0.1', 11_000)).toBe(50_000);
    expect(limiter.blockedFor('10.0.0.2', 11_000)).toBe(0);
    expect(limiter.blockedFor('10.0.0.1', 61_000)).toBe(0);

    limiter.failed('10.0.0.3', 0);
    limiter.failed('10.0.0.3', 0);
    limiter.succeeded('10.0.0.3');
    limiter.failed('10.0.0.3', 0);
    limiter.failed('10.0.0.3', 0);
    expect(limiter.blockedFor('10.0.0.3', 0)).toBe(0);
  });

  it('tracks a bounded number of addresses, dropping the oldest', () => {
    const limiter = new SignInLimiter(1, 60_000, 2);
    limiter.failed('a', 0);
    limiter.failed('b', 0);
    limiter.failed('c', 0);
    expect([limiter.blockedFor('a', 1), limiter.blockedFor('b', 1), limiter.blockedFor('c', 1)]).toEqual([0, 59_999, 59_999]);
  });
});

describe('posted answers', () => {
  it('reads one answer per challenge guid and the submission id', () => {
    const form = readAnswerForm({ _csrf: 'x', submission: 'abcdefghijklmnop1234', 'answer:CRD-1': 'correct', 'answer:CRD-2': 'Paris' });
    expect(form).toEqual({
      answers: [
        { guid: 'CRD-1', value: 'correct' },
        { guid: 'CRD-2', value: 'Paris' },
      ],
      submissionId: 'abcdefghijklmnop1234',
    });
    expect(readAnswerForm({ 'answer:CRD-1': 'x', submission: '../../etc' }).submissionId).toBeNull();
  });

  it('names the challenge, never the value, when a form is wrong', () => {
    expect(() => readAnswerForm({ _csrf: 'x' })).toThrow(new AnswerFormError('The form holds no answers.'));
    expect(() => readAnswerForm({ 'answer:CRD-1': '  ' })).toThrow('The answer for CRD-1 is empty.');
    expect(() => readAnswerForm({ 'answer:CRD-1': ['secret-a', 'secret-b'] })).toThrow('The answer for CRD-1 was sent more than once.');
    expect(() => readAnswerForm({ 'answer:': 'secret' })).toThrow('An answer field has no challenge guid.');
    expect(() => readAnswerForm(undefined)).toThrow('The form was empty.');
  });
});
