// The MX Platform API sandbox, v20111101 and v20250224 (each request's Accept-Version picks one): the
// same client code runs against it or MX by changing MX_BASE_URL. State lives in memory, apart per
// client_id, and in `stateFile` when one is given (it then survives restarts). See src/sandbox/README.md
// for behaviour.
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { SANDBOX_API_KEY, SANDBOX_CLIENT_ID } from '../config';
import { MxHttpError } from './errors';
import type { FaultOptions } from './faults';
import { registerAccountRoutes } from './routes/accounts';
import { registerAdminRoutes } from './routes/admin';
import { routeContext } from './routes/context';
import { registerHomeRoute } from './routes/home';
import { registerInstitutionRoutes } from './routes/institutions';
import { registerMemberRoutes } from './routes/members';
import { registerStatementRoutes } from './routes/statements';
import { registerUserRoutes } from './routes/users';
import { newSavedState, readSavedState, StateFile } from './persistence';
import { SandboxState } from './state';
import { type WebhookAuth, WebhookSender, webhookHeaders, webhookPayload } from './webhooks';
import { resolveIdentifiers } from './identifiers';
import {
  ADMIN_PREFIX,
  applyFaults,
  authenticate,
  checkVersion,
  type ClientCredentials,
  faultDecisionOf,
  MEDIA_TYPES,
  MX_JSON,
  pathOf,
  sendError,
} from './wire';

export type { FaultOptions } from './faults';

export interface SandboxOptions {
  host?: string;
  /** 0 = an ephemeral port (tests). */
  port?: number;
  clientId?: string;
  apiKey?: string;
  /** More accepted client_id/api_key pairs, each with its own separate state (isolation tests). */
  extraClients?: ClientCredentials[];
  seed?: number;
  /** How long an aggregation or statements job takes end to end. */
  jobDurationMs?: number;
  /** An unanswered challenge turns the member EXPIRED after this long. */
  challengeExpiryMs?: number;
  transactionsPerAccount?: number;
  /** Size of each statement PDF; streamed, never held in memory. */
  statementBytes?: number;
  webhookUrl?: string;
  /** HTTP Basic credentials the webhooks carry (the receiver's WEBHOOKS_USERNAME / WEBHOOKS_PASSWORD). */
  webhookAuth?: WebhookAuth;
  /** Waits between retries of a webhook that got no 2xx; default WEBHOOK_RETRY_DELAYS_MS, [] = no retry. */
  webhookRetryDelaysMs?: number[];
  faults?: FaultOptions;
  /** Replaces every challenge's label (and field_name), e.g. hostile HTML for escaping tests. */
  challengeLabel?: string;
  log?: boolean;
  /** Where the state is kept across restarts (`npm run sandbox`: <DATA_DIR>/sandbox/state.json); none: memory only. */
  stateFile?: string;
}

export interface Sandbox {
  url: string;
  port: number;
  close(): Promise<void>;
  /** Replaces every fault; throws with a readable message when the options are invalid. */
  setFaults(faults: FaultOptions): void;
  setChallengeLabel(label: string | undefined): void;
  /** Moves the sandbox's clock forward by `ms` (also `POST /_sandbox/clock`); returns the sandbox's now. */
  advanceClock(ms: number): Date;
}

export const SANDBOX_DEFAULTS: Required<
  Pick<SandboxOptions, 'host' | 'port' | 'seed' | 'jobDurationMs' | 'challengeExpiryMs' | 'transactionsPerAccount' | 'statementBytes'>
> = {
  host: '127.0.0.1',
  port: 0,
  seed: 1,
  jobDurationMs: 3000,
  challengeExpiryMs: 10 * 60_000,
  transactionsPerAccount: 120,
  statementBytes: 64 * 1024,
};

/** Also how late a webhook may leave after its job ended: small, as MX sends them within moments. */
const WEBHOOK_TICK_MS = 25;

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const settings = { ...SANDBOX_DEFAULTS, ...withoutUndefined(options) };
  validate(settings);
  const clients = [
    { clientId: options.clientId ?? SANDBOX_CLIENT_ID, apiKey: options.apiKey ?? SANDBOX_API_KEY },
    ...(options.extraClients ?? []),
  ];
  // close() means closed: a client that abandoned a PDF download must not hold the port for minutes.
  const app = Fastify({ logger: options.log ? { level: 'info' } : false, bodyLimit: 1024 * 1024, forceCloseConnections: true });
  const webhooks = options.webhookUrl
    ? new WebhookSender(
        options.webhookUrl,
        (error) => app.log.warn({ err: error }, 'webhook delivery failed'),
        options.webhookAuth,
        options.webhookRetryDelaysMs,
      )
    : undefined;
  const saved = options.stateFile ? (readSavedState(options.stateFile) ?? newSavedState(settings.seed)) : undefined;
  const state = new SandboxState(
    { ...settings, seed: saved?.seed ?? settings.seed, faults: options.faults ?? {}, challengeLabel: options.challengeLabel },
    (event, store) => webhooks?.send(webhookPayload(event, store), webhookHeaders(event)),
    saved,
  );
  const stateFile = options.stateFile
    ? new StateFile(
        options.stateFile,
        () => state.snapshot(),
        (error) => console.error(`Saving the sandbox state to ${options.stateFile} failed: ${error.message}`),
      )
    : undefined;
  // Reads change state too (due transitions, new challenges), so every answered request may need saving.
  if (stateFile) app.addHook('onResponse', async () => stateFile.changed());

  installWire(app, state, clients);
  registerHomeRoute(app, clients[0]!.clientId);
  registerAdminRoutes(app, state);
  const context = routeContext(state);
  registerUserRoutes(app, context);
  registerInstitutionRoutes(app, context);
  registerMemberRoutes(app, context);
  registerAccountRoutes(app, context);
  registerStatementRoutes(app, context);

  await app.listen({ host: settings.host, port: settings.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : settings.port;
  // Webhooks must fire even when nobody polls, so only then does a ticker move the members' clocks.
  const ticker = webhooks ? setInterval(() => state.advanceAll(), WEBHOOK_TICK_MS) : undefined;
  return {
    url: `http://${settings.host.includes(':') ? `[${settings.host}]` : settings.host}:${port}`,
    port,
    async close() {
      clearInterval(ticker);
      await app.close();
      await stateFile?.flush();
      await webhooks?.drain();
    },
    setFaults: (faults) => state.faults.set(faults),
    setChallengeLabel: (label) => {
      state.challengeLabel = label;
    },
    advanceClock: (ms) => {
      state.advanceClock(ms);
      state.advanceAll();
      return new Date(state.now());
    },
  };
}

function installWire(app: FastifyInstance, state: SandboxState, clients: ClientCredentials[]): void {
  // Bodies are JSON whatever the Content-Type says; an empty body (POST /aggregate from some SDKs) is none.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => {
    if (body === '') return done(null, undefined);
    try {
      done(null, JSON.parse(body as string));
    } catch {
      done(new MxHttpError(400, 'The request body is not valid JSON'), undefined);
    }
  });

  app.addHook('onRequest', async (request, reply) => {
    const path = pathOf(request);
    if (path === '/' && request.method === 'GET') return;
    reply.type(MX_JSON);
    authenticate(request, clients, state);
    if (path.startsWith(ADMIN_PREFIX)) return;
    reply.type(MEDIA_TYPES[checkVersion(request)].json);
    await applyFaults(request, state);
  });
  // v20250224 paths take partner ids where v20111101 took guids; routes only ever see guids.
  app.addHook('preHandler', async (request) => resolveIdentifiers(request));

  // Only successes are garbled: an error body is already what a client must not trust.
  app.addHook('onSend', async (request, reply, payload) =>
    typeof payload === 'string' && reply.statusCode < 300 ? state.faults.garble(payload, faultDecisionOf(request)) : payload,
  );

  app.setErrorHandler((error: FastifyError | MxHttpError, request, reply) => {
    if (error instanceof MxHttpError) return sendError(reply, error.statusCode, error.message, error.headers);
    const statusCode = error.statusCode ?? 500;
    if (statusCode < 500) return sendError(reply, statusCode, error.message);
    request.log.error({ err: error }, 'sandbox error');
    return sendError(reply, 500, 'The sandbox failed to handle this request');
  });

  app.setNotFoundHandler((request, reply) => sendError(reply, 404, `No route for ${request.method} ${pathOf(request)}`));
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function validate(settings: typeof SANDBOX_DEFAULTS & SandboxOptions): void {
  const positive = ['jobDurationMs', 'challengeExpiryMs', 'transactionsPerAccount', 'statementBytes'] as const;
  for (const key of positive) {
    const value = settings[key];
    if (!Number.isInteger(value) || value <= 0) throw new Error(`Sandbox option ${key} must be a positive whole number`);
  }
  if (!Number.isInteger(settings.seed)) throw new Error('Sandbox option seed must be a whole number');
}
