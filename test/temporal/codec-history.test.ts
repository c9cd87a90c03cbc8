import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, type WorkflowHandle } from '@temporalio/client';
import proto from '@temporalio/proto';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { EncryptionCodec } from '../../src/temporal/codec';
import { connectToTestServer, type TemporalTestContext, uniqueName } from '../helpers/temporal';
import { answerSignal, type signInWithSecrets } from './fixtures/codec-workflows';

const PASSWORD = 'pw-in-history-check-7f3a';
const MFA_ANSWER = 'mfa-answer-in-history-check-91c2';
const ENCRYPTED = 'binary/encrypted';

describe('payload encryption on a real Temporal server', () => {
  let ctx: TemporalTestContext;
  let worker: Worker;
  let running: Promise<void>;
  let encrypting: Client;
  const taskQueue = uniqueName('codec');
  const seenByActivity: string[] = [];

  beforeAll(async () => {
    ctx = await connectToTestServer();
    const dataConverter = { payloadCodecs: [new EncryptionCodec(randomBytes(32))] };
    encrypting = new Client({ connection: ctx.client.connection, dataConverter });
    const { code } = await bundleWorkflowCode({
      workflowsPath: resolve('test/temporal/fixtures/codec-workflows.ts'),
      logger: {
        log: () => undefined,
        trace: () => undefined,
        debug: () => undefined,
        info: () => undefined,
        warn: () => undefined,
        error: console.error,
      },
    });
    worker = await Worker.create({
      connection: ctx.nativeConnection,
      taskQueue,
      workflowBundle: { code },
      dataConverter,
      activities: {
        async signIn(username: string, password: string) {
          seenByActivity.push(password);
          return username === 'mxuser' && password === PASSWORD;
        },
      },
    });
    running = worker.run();
  });

  afterAll(async () => {
    worker?.shutdown();
    await running;
    await ctx?.close();
  });

  async function runToEnd(client: Client): Promise<{ handle: WorkflowHandle<typeof signInWithSecrets>; result: string }> {
    const started = await client.workflow.start<typeof signInWithSecrets>('signInWithSecrets', {
      taskQueue,
      workflowId: uniqueName('codec-run'),
      args: [{ credentials: { username: 'mxuser', password: PASSWORD } }],
    });
    await started.signal(answerSignal, { value: MFA_ANSWER });
    // The worker encrypts what it writes, so the result needs the codec whoever started the run.
    const handle = encrypting.workflow.getHandle<typeof signInWithSecrets>(started.workflowId);
    return { handle, result: await handle.result() };
  }

  it('keeps the password and the MFA answer out of the raw history, while the run sees them', async () => {
    const { handle, result } = await runToEnd(encrypting);
    expect(result).toBe(`accepted with answer length ${MFA_ANSWER.length}`);
    expect(seenByActivity).toContain(PASSWORD);

    // The history as the server stores it, read without any codec.
    const { history } = await ctx.client.workflowService.getWorkflowExecutionHistory({
      namespace: 'default',
      execution: { workflowId: handle.workflowId },
    });
    const raw = Buffer.from(proto.temporal.api.history.v1.History.encode(history!).finish());
    expect(raw.includes(PASSWORD)).toBe(false);
    expect(raw.includes(MFA_ANSWER)).toBe(false);
    expect(raw.includes('mxuser')).toBe(false);

    const events = history!.events!;
    const started = events[0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!;
    const signalled = events.find((e) => e.workflowExecutionSignaledEventAttributes)!.workflowExecutionSignaledEventAttributes!.input!
      .payloads![0]!;
    const activity = events.find((e) => e.activityTaskScheduledEventAttributes)!.activityTaskScheduledEventAttributes!.input!.payloads![0]!;
    for (const payload of [started, signalled, activity]) {
      expect(Buffer.from(payload.metadata!.encoding!).toString()).toBe(ENCRYPTED);
    }
  });

  it('still runs a workflow started without the codec (plain input passes through)', async () => {
    const { result } = await runToEnd(ctx.client);
    expect(result).toBe(`accepted with answer length ${MFA_ANSWER.length}`);
  });
});
