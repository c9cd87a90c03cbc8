// The MX webhook receiver (README, "MX webhooks in"): POST /webhooks/mx, HTTP Basic, MX's member webhook
// payloads. Each event reaches Temporal (a signal to the waiting runs) before the answer, so a 204 means
// it is safe: MX retries anything that got no 2xx, and a retried event only wakes a run that already
// woke (the run drops repeats). Bad requests get a 4xx naming the problem; Temporal unreachable gets a
// 503 so MX tries again later. Logs name the event and the member, never credentials.
import type { Client } from '@temporalio/client';
import Fastify, { type FastifyReply } from 'fastify';
import type { BackgroundAggregationLog } from './background';
import { type BasicCredentials, basicAuthAccepts } from './basic-auth';
import { parseWebhook, WebhookPayloadError } from './payload';
import { relayMemberEvent } from './relay';
import { triggerRefresh } from './refresh-trigger';

export const WEBHOOK_PATH = '/webhooks/mx';

/**
 * The gRPC deadline bounds the calls, not the connection to Temporal being (re)established, which a busy
 * machine stretched past it: MX gets its answer by the deadline whatever the client is doing. A relay
 * that still lands later does no harm (a run takes each event once).
 */
async function answerWithin<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms);
  });
  work.catch(() => undefined); // its failure after the deadline is already answered with 503
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** MX wants an answer at once: a Temporal that does not take the event within this gets a 503 (MX retries). */
const RELAY_DEADLINE_MS = 5_000;

export interface WebhookReceiverOptions {
  host?: string;
  /** 0 = an ephemeral port (tests). */
  port?: number;
  credentials: BasicCredentials;
  client: Client;
  background: BackgroundAggregationLog;
  log?: (line: string) => void;
}

export interface WebhookReceiver {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startWebhookReceiver(options: WebhookReceiverOptions): Promise<WebhookReceiver> {
  const log = options.log ?? ((line: string) => console.log(line));
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024, forceCloseConnections: true });
  // MX sends JSON; whatever the Content-Type says, the body is parsed here so a bad one gets our 400.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));

  const refuse = (reply: FastifyReply, status: number, error: string) => {
    log(`webhook refused (${status}): ${error}`);
    return reply.code(status).type('application/json').send({ error });
  };

  app.post(WEBHOOK_PATH, async (request, reply) => {
    if (!basicAuthAccepts(options.credentials, request.headers.authorization)) {
      reply.header('www-authenticate', 'Basic realm="mx-webhooks"');
      return refuse(reply, 401, 'Wrong or missing HTTP Basic credentials (WEBHOOKS_USERNAME / WEBHOOKS_PASSWORD).');
    }
    let body: unknown;
    try {
      body = JSON.parse(typeof request.body === 'string' ? request.body : '');
    } catch {
      return refuse(reply, 400, 'The body is not valid JSON.');
    }
    let parsed;
    try {
      parsed = parseWebhook(body);
    } catch (err) {
      if (err instanceof WebhookPayloadError) return refuse(reply, 422, err.message);
      throw err;
    }
    const { webhook, event } = parsed;
    const callbackPayload = headerValue(request.headers['x-callback-payload']);
    const what = `${event.type}${event.connectionStatus ? ` ${event.connectionStatus}` : ''}${event.isBackground ? ' (background)' : ''} for member ${event.memberGuid}`;
    let result;
    let refresh = 'no schedule';
    try {
      const relay = options.client.withDeadline(Date.now() + RELAY_DEADLINE_MS, async () => {
        const relayed = await relayMemberEvent(options.client, event, callbackPayload);
        if (relayed.known && event.isBackground) refresh = await triggerRefresh(options.client, webhook.user_id, event.memberGuid);
        return relayed;
      });
      result = await answerWithin(relay, RELAY_DEADLINE_MS);
    } catch (err) {
      log(`webhook ${what}: Temporal did not take it (${(err as Error).message}); answered 503, MX retries.`);
      return reply.code(503).type('application/json').send({ error: 'Temporal is unreachable; retry later.' });
    }
    if (!result.known) return refuse(reply, 404, `Unknown member ${event.memberGuid}: no run of this project worked on it.`);
    if (event.isBackground) await options.background.record(webhook, new Date());
    const runs = result.signalled.length ? `woke ${result.signalled.join(', ')}` : 'no run waiting';
    const background = event.isBackground ? `; refresh ${refresh}; recorded in ${options.background.file}` : '';
    log(`webhook ${what}: ${runs}${background}.`);
    return reply.code(204).send();
  });

  app.setNotFoundHandler((request, reply) =>
    refuse(reply, 404, `No such endpoint: ${request.method} ${request.url.split('?')[0]}; MX webhooks go to POST ${WEBHOOK_PATH}.`),
  );
  app.setErrorHandler((error: { statusCode?: number; message: string }, _request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) log(`webhook failed: ${error.message}`);
    return refuse(reply, status, status === 500 ? 'Internal error; see the receiver log.' : error.message);
  });

  await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 0);
  const host = options.host ?? '127.0.0.1';
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}${WEBHOOK_PATH}`,
    port,
    close: () => app.close(),
  };
}

function headerValue(value: string | string[] | undefined): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return first ? first.slice(0, 1000) : undefined;
}
