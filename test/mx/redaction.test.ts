// Secrets (API key, credential values, MFA answers) must never come back out of the client or the
// activities: not in a message, a stack, a cause, a JSON form, an inspected form or anything printed.
// The fake MX below is hostile on purpose: it echoes everything it receives into its error bodies.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspect } from 'node:util';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createActivities } from '../../activities';
import type { Activities, CredentialField } from '../../activities/types';
import { createMxClient, type MxClient } from '../../src/mx/client';
import { MxClientError, MxConflictError, MxRetryableError } from '../../src/mx/errors';
import { createLocalStorage } from '../../src/storage/local';
import { startSandbox, type Sandbox } from '../../src/sandbox/server';
import { startFakeMx, type FakeAnswer, type FakeMx } from '../helpers/fake-mx';

const API_KEY = 'ApiKey-Secret-7a41c2';
const LOGIN = 'login-Secret-55e0';
const PASSWORD = 'Passw0rd-Secret-91bd';
const ANSWER = 'MfaAnswer-Secret-3f8a';
const SECRETS = [API_KEY, LOGIN, PASSWORD, ANSWER, Buffer.from(`client:${API_KEY}`).toString('base64')];

const fields: CredentialField[] = [
  { guid: 'CRD-login', fieldName: 'LOGIN', label: 'Username', type: 'LOGIN', displayOrder: 1 },
  { guid: 'CRD-password', fieldName: 'PASSWORD', label: 'Password', type: 'PASSWORD', displayOrder: 2 },
];

/** Every answer the client must survive, each echoing the request back. */
const hostileAnswers: Record<string, (echo: string) => FakeAnswer> = {
  '400': (echo) => ({ status: 400, body: { error: { message: `Bad value: ${echo}` } } }),
  '401': (echo) => ({ status: 401, body: { error: { message: `Bad key in ${echo}` } } }),
  '405': (echo) => ({ status: 405, body: { error: { message: echo } } }),
  '409': (echo) => ({ status: 409, body: { error: { message: `Member exists with ${echo}` } } }),
  '422': (echo) => ({ status: 422, body: { error: echo } }),
  '429': (echo) => ({ status: 429, headers: { 'retry-after': '2' }, body: { error: { message: echo } } }),
  '500': (echo) => ({ status: 500, body: { error: { message: echo } } }),
  '502 html': (echo) => ({ status: 502, body: `<html>${echo}</html>` }),
  'bad success body': (echo) => ({ status: 200, body: { member: { note: echo } } }),
  'connection cut': () => ({ cut: true }),
  timeout: () => ({ delayMs: 1500, body: {} }),
};

let fake: FakeMx;
let mx: MxClient;
let activities: Activities;
let root: string;
let current: (echo: string) => FakeAnswer;
const printed: string[] = [];
const restore: (() => void)[] = [];

beforeAll(async () => {
  fake = await startFakeMx();
  const echoAll = (req: { body: unknown; headers: Record<string, unknown> }) =>
    current(JSON.stringify({ body: req.body, headers: req.headers }));
  for (const [method, path] of [
    ['POST', '/users/*/members'],
    ['PUT', '/users/*/members/*'],
    ['PUT', '/users/*/members/*/resume'],
    ['GET', '/users'],
    ['GET', '/users/*/members/*/statements/*'],
  ] as const) {
    fake.on(method, path, (req) => echoAll(req));
  }
  mx = createMxClient({ baseUrl: fake.url, clientId: 'client', apiKey: API_KEY, timeoutMs: 500 });
  root = await mkdtemp(join(tmpdir(), 'redaction-'));
  activities = createActivities({ mx, storage: createLocalStorage(root), clock: { now: () => new Date() } });
  captureOutput();
});

afterAll(async () => {
  restore.forEach((undo) => undo());
  await fake.close();
  await rm(root, { recursive: true, force: true });
  for (const secret of SECRETS) expect(printed.join('\n')).not.toContain(secret);
});

/** Everything written to stdout/stderr or through console while the tests run. */
function captureOutput() {
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream);
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      printed.push(String(chunk));
      return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof stream.write;
    restore.push(() => (stream.write = write));
  }
  for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    const original = console[level];
    console[level] = (...args: unknown[]) => {
      printed.push(args.map((a) => inspect(a, { depth: 10 })).join(' '));
      original(...args);
    };
    restore.push(() => (console[level] = original));
  }
}

/** Every way an error can be seen: message, stack, causes, JSON, inspection. */
function everythingAbout(error: unknown): string {
  const parts: string[] = [String(error), inspect(error, { depth: Infinity, showHidden: true })];
  try {
    parts.push(JSON.stringify(error));
  } catch {
    parts.push('[unserialisable]');
  }
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 10; e = e.cause, depth++) {
    parts.push(e.message, e.stack ?? '', JSON.stringify(Object.entries(e)));
  }
  return parts.join('\n');
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'the call should have failed').toBeInstanceOf(Error);
  console.error('logged by a careless caller:', error);
  return error;
}

function expectNoSecrets(error: unknown) {
  const seen = everythingAbout(error);
  for (const secret of SECRETS) expect(seen).not.toContain(secret);
}

const secretCalls: Record<string, () => Promise<unknown>> = {
  'client createMember': () =>
    mx.createMember('USR-1', {
      institution_code: 'mxbank',
      credentials: [
        { guid: 'CRD-login', value: LOGIN },
        { guid: 'CRD-password', value: PASSWORD },
      ],
    }),
  'client updateMember': () => mx.updateMember('USR-1', 'MBR-1', { credentials: [{ guid: 'CRD-password', value: PASSWORD }] }),
  'client resumeAggregation': () => mx.resumeAggregation('USR-1', 'MBR-1', [{ guid: 'CRD-q', value: ANSWER }]),
  'activity ensureMember': () =>
    activities.ensureMember({
      userGuid: 'USR-1',
      institutionCode: 'mxbank',
      credentialFields: fields,
      credentials: { LOGIN, PASSWORD },
      skipAggregation: true,
    }),
  // The PDF goes over its own HTTP/1.1 reader, not ky: the API key must stay out of its errors too.
  'activity downloadStatement': () =>
    activities.downloadStatement({
      userGuid: 'USR-1',
      memberGuid: 'MBR-1',
      statementGuid: 'STA-1',
      contentHash: 'ab'.repeat(32),
      key: 'redaction/s.pdf',
    }),
  'activity resumeMember': () =>
    activities.resumeMember({ userGuid: 'USR-1', memberGuid: 'MBR-1', answers: [{ guid: 'CRD-q', value: ANSWER }] }),
};

describe.each(Object.keys(hostileAnswers))('MX answers %s', (answer) => {
  it.each(Object.keys(secretCalls))('%s leaks no secret', async (call) => {
    current = hostileAnswers[answer]!;
    const error = await caught(secretCalls[call]!());
    expectNoSecrets(error);
  });
});

describe('the error classes themselves', () => {
  it('covers every class with the echo in place of the secret', async () => {
    current = hostileAnswers['400']!;
    const badRequest = await caught(secretCalls['client createMember']!());
    expect(badRequest).toBeInstanceOf(MxClientError);
    expect((badRequest as Error).message).toContain('[redacted]');
    current = hostileAnswers['409']!;
    expect(await caught(secretCalls['client createMember']!())).toBeInstanceOf(MxConflictError);
    current = hostileAnswers['429']!;
    expect(await caught(secretCalls['client resumeAggregation']!())).toBeInstanceOf(MxRetryableError);
  });
});

describe('a wrong API key against the sandbox', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0 });
  });
  afterAll(() => sandbox.close());

  it('is MxUnauthorized and shows no key', async () => {
    const wrong = createMxClient({ baseUrl: sandbox.url, clientId: 'sandbox-client', apiKey: API_KEY, timeoutMs: 2000 });
    const error = await caught(
      wrong.createMember('USR-1', { institution_code: 'mxbank', credentials: [{ guid: 'CRD-password', value: PASSWORD }] }),
    );
    expect(error).toMatchObject({ type: 'MxUnauthorized', status: 401 });
    expectNoSecrets(error);
  });
});
