import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMxClient, type MxClient } from '../../src/mx/client';
import { MxClientError, MxConflictError, MxRetryableError, parseRetryAfter } from '../../src/mx/errors';
import { startFakeMx, type FakeMx } from '../helpers/fake-mx';

let mx: FakeMx;
let client: MxClient;

beforeEach(async () => {
  mx = await startFakeMx();
  client = createMxClient({ baseUrl: mx.url, clientId: 'c', apiKey: 'k', timeoutMs: 500 });
});
afterEach(() => mx.close());

const readMember = () => client.readMember('USR-1', 'MBR-1').catch((e: unknown) => e);

describe('non-retryable 4xx', () => {
  it.each([
    [400, 'MxBadRequest'],
    [401, 'MxUnauthorized'],
    [403, 'MxForbidden'],
    [404, 'MxNotFound'],
    [405, 'MxMethodNotAllowed'],
    [406, 'MxNotAcceptable'],
    [422, 'MxUnprocessable'],
  ])("%i becomes %s with MX's message, the method and the path", async (status, type) => {
    mx.on('GET', '/users/USR-1/members/MBR-1', { status, body: { error: { message: `MX says ${status}` } } });
    const error = (await readMember()) as MxClientError;
    expect(error).toBeInstanceOf(MxClientError);
    expect(error).toMatchObject({
      type,
      status,
      retryable: false,
      method: 'GET',
      path: '/users/USR-1/members/MBR-1',
      mxMessage: `MX says ${status}`,
    });
    expect(error.message).toContain(`MX says ${status}`);
    expect(error.message).toContain('GET /users/USR-1/members/MBR-1');
  });

  it('tolerates an empty error body', async () => {
    mx.on('GET', '/users/USR-1/members/MBR-1', { status: 404 });
    const error = (await readMember()) as MxClientError;
    expect(error).toMatchObject({ type: 'MxNotFound', mxMessage: undefined });
  });
});

describe('409 conflicts', () => {
  it('is a duplicate on create member', async () => {
    mx.on('POST', '/users/U/members', { status: 409, body: { error: { message: 'Member already exists' } } });
    const error = await client.createMember('U', { institution_code: 'mxbank', credentials: [] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MxConflictError);
    expect(error).toMatchObject({ kind: 'duplicate', type: 'MxDuplicate', retryable: false });
  });

  it.each([
    ['aggregate', (c: MxClient) => c.aggregateMember('U', 'M')],
    ['fetch_statements', (c: MxClient) => c.fetchStatements('U', 'M')],
  ])('is a job conflict on %s', async (route, call) => {
    mx.on('POST', `/users/U/members/M/${route}`, { status: 409, body: { error: { message: 'Another job is running' } } });
    const error = await call(client).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'job', type: 'MxJobConflict', retryable: false, status: 409 });
  });
});

describe('retryable failures', () => {
  it('429 carries Retry-After as nextRetryDelayMs', async () => {
    mx.on('GET', '/users/USR-1/members/MBR-1', { status: 429, headers: { 'retry-after': '7' }, body: { error: { message: 'slow down' } } });
    const error = (await readMember()) as MxRetryableError;
    expect(error).toBeInstanceOf(MxRetryableError);
    expect(error).toMatchObject({ type: 'MxRateLimited', status: 429, nextRetryDelayMs: 7000, retryable: true });
  });

  it('503 with an HTML body is retryable and keeps no HTML', async () => {
    mx.on('GET', '/users/USR-1/members/MBR-1', { status: 503, body: '<html><body>Maintenance</body></html>' });
    const error = (await readMember()) as MxRetryableError;
    expect(error).toMatchObject({ type: 'MxServerError', status: 503, retryable: true, nextRetryDelayMs: undefined });
    expect(error.message).not.toContain('<html>');
  });

  it('500 with an empty body is retryable', async () => {
    mx.on('GET', '/users/USR-1/members/MBR-1', { status: 500 });
    expect(await readMember()).toMatchObject({ type: 'MxServerError', retryable: true });
  });

  it('a dropped connection is a retryable network error', async () => {
    mx.on('GET', '/users/USR-1/members/MBR-1', { cut: true });
    expect(await readMember()).toMatchObject({ type: 'MxNetworkError', retryable: true, status: undefined });
  });

  it('nobody listening is a retryable network error', async () => {
    await mx.close();
    expect(await readMember()).toMatchObject({ type: 'MxNetworkError', retryable: true });
  });

  it('no answer within timeoutMs is a retryable timeout', async () => {
    mx.on('GET', '/users/USR-1/members/MBR-1', { delayMs: 2000, body: {} });
    const error = (await readMember()) as MxRetryableError;
    expect(error).toMatchObject({ type: 'MxTimeout', retryable: true });
    expect(error.message).toContain('500 ms');
  });
});

describe('cancellation', () => {
  it("rejects with the caller's abort reason, not a network error", async () => {
    mx.on('GET', '/users/USR-1/members/MBR-1', { delayMs: 1000, body: {} });
    const controller = new AbortController();
    const reason = new Error('cancelled by test');
    setTimeout(() => controller.abort(reason), 50);
    await expect(client.readMember('USR-1', 'MBR-1', { signal: controller.signal })).rejects.toBe(reason);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('120')).toBe(120_000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });
});
