import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApplicationFailureCategory } from '@temporalio/common';
import { createActivities } from '../../activities';
import { createMxClient } from '../../src/mx/client';
import { createLocalStorage } from '../../src/storage/local';
import { page, startFakeMx } from '../helpers/fake-mx';
import { connectMember, failureOf, idle, startHarness, waitForMember, type Harness } from './setup';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

describe('MX failures as Temporal sees them', () => {
  it('429 with Retry-After becomes a retryable failure with nextRetryDelay', async () => {
    const ref = await connectMember(h, 'password');
    h.sandbox.setFaults({ rateLimit: { next: 1, retryAfterSeconds: 3, match: '/status' } });
    const failure = await failureOf(h.activities.readMemberStatus(ref));
    // Expected and retried: benign, so the worker logs it as one line, not the whole error at WARN.
    expect(failure).toMatchObject({
      type: 'MxRateLimited',
      nonRetryable: false,
      nextRetryDelay: 3000,
      category: ApplicationFailureCategory.BENIGN,
    });
    expect((await waitForMember(h, ref, idle)).connectionStatus).toBe('CONNECTED');
  });

  it("429 with Retry-After: 0 is retried on the policy's backoff (a zero nextRetryDelay would end the activity)", async () => {
    const ref = await connectMember(h, 'password');
    await waitForMember(h, ref, idle);
    h.sandbox.setFaults({ rateLimit: { next: 1, retryAfterSeconds: 0, match: '/status' } });
    const failure = await failureOf(h.activities.readMemberStatus(ref));
    expect(failure).toMatchObject({ type: 'MxRateLimited', nonRetryable: false, nextRetryDelay: undefined });
  });

  it('5xx is retryable without a fixed delay', async () => {
    h.sandbox.setFaults({ serverError: { next: 1, status: 502 } });
    const failure = await failureOf(h.activities.findInstitution({ code: 'mxbank', requireStatements: false }));
    expect(failure).toMatchObject({ type: 'MxServerError', nonRetryable: false, nextRetryDelay: undefined });
    expect(failure.message).toContain('502');
  });

  it('a wrong API key is non-retryable MxUnauthorized', async () => {
    const mx = createMxClient({ baseUrl: h.sandbox.url, clientId: 'sandbox-client', apiKey: 'wrong-key', timeoutMs: 2000 });
    const activities = createActivities({ mx, storage: h.storage, clock: { now: () => new Date() } });
    const failure = await failureOf(activities.ensureUser({ id: 'anyone' }));
    expect(failure).toMatchObject({ type: 'MxUnauthorized', nonRetryable: true, category: undefined });
    expect(failure.message).toContain('POST /users');
  });

  it('an MX answer in the wrong shape is non-retryable MxProtocolError naming the field', async () => {
    const fake = await startFakeMx();
    try {
      fake.on('GET', '/institutions/mxbank', { body: { institution: { name: 'MX Bank' } } });
      const mx = createMxClient({ baseUrl: fake.url, clientId: 'c', apiKey: 'k', timeoutMs: 2000 });
      const activities = createActivities({ mx, storage: h.storage, clock: { now: () => new Date() } });
      const failure = await failureOf(activities.findInstitution({ code: 'mxbank', requireStatements: false }));
      expect(failure).toMatchObject({ type: 'MxProtocolError', nonRetryable: true });
      expect(failure.message).toContain('institution.code');
    } finally {
      await fake.close();
    }
  });
});

describe('ensureUser makes the calls the guide makes', () => {
  it('creates a new user with one call, as the guide does', async () => {
    const fake = await startFakeMx();
    try {
      fake.on('POST', '/users', () => ({ body: { user: { guid: 'USR-new', id: 'p-2' } } }));
      const mx = createMxClient({ baseUrl: fake.url, clientId: 'c', apiKey: 'k', timeoutMs: 2000 });
      const activities = createActivities({ mx, storage: createLocalStorage(h.root), clock: { now: () => new Date() } });
      expect(await activities.ensureUser({ id: 'p-2' })).toEqual({ guid: 'USR-new', id: 'p-2', created: true });
      expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /users']);
    } finally {
      await fake.close();
    }
  });
});

describe('ensureUser when another attempt created the user first', () => {
  it('answers 409 with the existing user', async () => {
    const fake = await startFakeMx();
    try {
      let created = false;
      fake.on('GET', '/users', (req) => ({ body: page('users', created ? [{ guid: 'USR-raced', id: 'p-1' }] : [], req.query) }));
      fake.on('POST', '/users', () => {
        created = true;
        return { status: 409, body: { error: { message: 'A user with this id already exists' } } };
      });
      const mx = createMxClient({ baseUrl: fake.url, clientId: 'c', apiKey: 'k', timeoutMs: 2000 });
      const activities = createActivities({ mx, storage: createLocalStorage(h.root), clock: { now: () => new Date() } });
      expect(await activities.ensureUser({ id: 'p-1' })).toEqual({ guid: 'USR-raced', id: 'p-1', created: false });
      expect(fake.requests.map((r) => r.method)).toEqual(['POST', 'GET']);
    } finally {
      await fake.close();
    }
  });
});
