// Activities wired to the real sandbox over loopback and a storage in a temporary directory.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities } from '../../activities';
import type { Activities, MemberRef, MemberState, StatementInfo } from '../../activities/types';
import { SANDBOX_API_KEY, SANDBOX_CLIENT_ID } from '../../src/config';
import { createMxClient, type MxClient } from '../../src/mx/client';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/server';
import { createLocalStorage } from '../../src/storage/local';
import type { Storage } from '../../src/storage/types';

export const MXBANK_FIELDS_BY_LABEL = (password: string) => ({ Username: 'mxuser', Password: password });

export interface Harness {
  sandbox: Sandbox;
  mx: MxClient;
  storage: Storage;
  root: string;
  activities: Activities;
  close(): Promise<void>;
}

export async function startHarness(options: SandboxOptions = {}): Promise<Harness> {
  const sandbox = await startSandbox({ port: 0, jobDurationMs: 200, ...options });
  const root = await mkdtemp(join(tmpdir(), 'activities-test-'));
  const mx = createMxClient({ baseUrl: sandbox.url, clientId: SANDBOX_CLIENT_ID, apiKey: SANDBOX_API_KEY, timeoutMs: 5000 });
  const storage = createLocalStorage(root);
  const activities = createActivities({ mx, storage, clock: { now: () => new Date() } });
  return {
    sandbox,
    mx,
    storage,
    root,
    activities,
    async close() {
      await sandbox.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** A user and a member at MX Bank with the given password, created through the activities. */
export async function connectMember(h: Harness, password: string, institutionCode = 'mxbank'): Promise<MemberRef> {
  const user = await h.activities.ensureUser({ id: `user-${randomUUID()}` });
  const institution = await h.activities.findInstitution({ code: institutionCode, requireStatements: false });
  const member = await h.activities.ensureMember({
    userGuid: user.guid,
    institutionCode,
    credentialFields: institution.credentials,
    credentials: MXBANK_FIELDS_BY_LABEL(password),
    skipAggregation: false,
  });
  return { userGuid: user.guid, memberGuid: member.guid };
}

/** Polls the member status (as a workflow would) until `done` holds. */
export async function waitForMember(
  h: Harness,
  ref: MemberRef,
  done: (s: MemberState) => boolean,
  timeoutMs = 10_000,
): Promise<MemberState> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await h.activities.readMemberStatus(ref);
    if (done(state)) return state;
    if (Date.now() > deadline) throw new Error(`member never reached the expected state; last: ${JSON.stringify(state)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const idle = (s: MemberState) => !s.isBeingAggregated && s.connectionStatus !== 'RESUMED';

/** A connected member whose statements job has run, and the statements MX then lists. */
export async function memberWithStatements(h: Harness): Promise<{ ref: MemberRef; statements: StatementInfo[] }> {
  const ref = await connectMember(h, 'password');
  await waitForMember(h, ref, idle);
  await h.activities.startStatementsJob(ref);
  await waitForMember(h, ref, idle);
  return { ref, statements: await h.activities.listStatements(ref) };
}

/** The failure an activity threw, asserted to be an ApplicationFailure. */
export async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ApplicationFailure)) throw new Error(`expected an ApplicationFailure, got ${String(error)}`);
  return error;
}

/** Every file under the storage root, temp files included. */
export async function filesUnder(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(root.length + 1))
    .sort();
}

export { MockActivityEnvironment };
