// The support page: Fastify, server-rendered HTML, no front-end build. An agent signs in with the token,
// sees the runs waiting for MFA, and sends answers through the same `answerMfa` update as the CLI.
import fastifyCookie from '@fastify/cookie';
import fastifyFormbody from '@fastify/formbody';
import type { Client } from '@temporalio/client';
import Fastify, { type FastifyError, type FastifyReply, type FastifyRequest } from 'fastify';
import { type SupportError, toSupportError } from './errors';
import { getRun, listWaitingRuns, requireWaiting, sendAnswers, type AnswerOutcome } from './runs';
import { AnswerFormError, readAnswerForm } from './web/answer-form';
import { CONTENT_SECURITY_POLICY, REFRESH_SCRIPT, STYLESHEET } from './web/assets';
import { errorPage, loginPage, queuePage, runPage, signedInPage, type PageContext } from './web/pages';
import { randomToken, resolveToken, sameSecret, SESSION_COOKIE, type Session, SessionStore, SignInLimiter } from './web/sessions';

export interface SupportWebOptions {
  client: Client;
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** SUPPORT_WEB_TOKEN; when undefined on loopback, one is generated (see `loginUrl`). */
  token: string | undefined;
  /** Wrong tokens one address may send within the window before it must wait (default 5 per minute). */
  signInLimit?: { failures: number; windowMs: number };
}

export interface SupportWeb {
  url: string;
  /** Opens a session in one click; holds the token, so show it only to the operator. */
  loginUrl: string;
  tokenGenerated: boolean;
  close(): Promise<void>;
}

const STATUS_OF: Record<SupportError['kind'], number> = {
  'bad-input': 400,
  'not-found': 404,
  'not-waiting': 409,
  unreachable: 503,
  'no-worker': 504,
  temporal: 502,
};
const RESULTS_KEPT_PER_SESSION = 20;

export async function startSupportWeb(options: SupportWebOptions): Promise<SupportWeb> {
  const { token, generated } = resolveToken(options.host, options.token);
  const sessions = new SessionStore();
  const limiter = new SignInLimiter(options.signInLimit?.failures, options.signInLimit?.windowMs);
  const results = new Map<string, Map<string, AnswerOutcome>>();
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024 });
  await app.register(fastifyCookie);
  await app.register(fastifyFormbody);
  const cookieName = `${SESSION_COOKIE}_${options.port}`;

  app.addHook('onSend', async (_request, reply) => {
    reply.header('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('Referrer-Policy', 'no-referrer');
    reply.header('Cache-Control', 'no-store');
    reply.header('X-Frame-Options', 'DENY');
  });

  const sessionOf = (request: FastifyRequest) => sessions.find(request.cookies[cookieName]);
  const pageContext = (session: Session): PageContext => ({ csrfToken: session.csrfToken, newSubmissionId: randomToken });
  const send = (reply: FastifyReply, status: number, page: string) => reply.code(status).type('text/html; charset=utf-8').send(page);
  const fail = (reply: FastifyReply, err: unknown) => {
    const problem = toSupportError(err);
    return send(reply, STATUS_OF[problem.kind], errorPage(problem.message));
  };
  /** Every POST but sign-in: a session and that session's CSRF token, or nothing happens. */
  const checkPost = (request: FastifyRequest, reply: FastifyReply): Session | null => {
    const session = sessionOf(request);
    if (!session) {
      void send(reply, 401, loginPage('Sign in first.'));
      return null;
    }
    if (!sameSecret((request.body as Record<string, unknown> | undefined)?._csrf, session.csrfToken)) {
      void send(
        reply,
        403,
        errorPage('This form is not from your current session (CSRF token missing or wrong). Reload the page and try again.'),
      );
      return null;
    }
    return session;
  };
  const signIn = (request: FastifyRequest, reply: FastifyReply, given: unknown) => {
    // Guessing the token is what the limit stops: a locked-out address is refused before its token is looked at.
    const waitMs = limiter.blockedFor(request.ip);
    if (waitMs > 0) {
      const seconds = Math.ceil(waitMs / 1000);
      reply.header('Retry-After', String(seconds));
      return send(reply, 429, loginPage(`Too many wrong tokens from your address. Try again in ${seconds} s.`));
    }
    if (!sameSecret(given, token)) {
      limiter.failed(request.ip);
      return send(reply, 401, loginPage('That token is not valid.'));
    }
    limiter.succeeded(request.ip);
    const session = sessions.create();
    reply.setCookie(cookieName, session.id, { httpOnly: true, sameSite: 'strict', path: '/' });
    return send(reply, 200, signedInPage());
  };

  app.get('/static/support.css', (_request, reply) => reply.type('text/css; charset=utf-8').send(STYLESHEET));
  app.get('/static/refresh.js', (_request, reply) => reply.type('text/javascript; charset=utf-8').send(REFRESH_SCRIPT));

  app.get('/login', (request, reply) => {
    const given = (request.query as Record<string, unknown>).token;
    return given === undefined ? send(reply, 200, loginPage(null)) : signIn(request, reply, given);
  });
  app.post('/login', (request, reply) => signIn(request, reply, (request.body as Record<string, unknown> | undefined)?.token));
  app.post('/logout', (request, reply) => {
    const session = checkPost(request, reply);
    if (!session) return reply;
    sessions.delete(session.id);
    results.delete(session.id);
    reply.clearCookie(cookieName, { path: '/' });
    return reply.redirect('/login', 303);
  });

  app.get<{ Querystring: { match?: unknown } }>('/', async (request, reply) => {
    const session = sessionOf(request);
    if (!session) return send(reply, 401, loginPage(null));
    const match = typeof request.query.match === 'string' ? request.query.match.trim().slice(0, 100) : '';
    try {
      return send(reply, 200, queuePage(await listWaitingRuns(options.client, { match }), pageContext(session), match));
    } catch (err) {
      return fail(reply, err);
    }
  });

  app.get<{ Params: { workflowId: string }; Querystring: { result?: string } }>('/runs/:workflowId', async (request, reply) => {
    const session = sessionOf(request);
    if (!session) return send(reply, 401, loginPage(null));
    try {
      const run = await getRun(options.client, request.params.workflowId);
      const outcome = results.get(session.id)?.get(request.query.result ?? '') ?? null;
      return send(reply, 200, runPage(run, outcome, pageContext(session)));
    } catch (err) {
      return fail(reply, err);
    }
  });

  app.post<{ Params: { workflowId: string } }>('/runs/:workflowId/answers', async (request, reply) => {
    const session = checkPost(request, reply);
    if (!session) return reply;
    try {
      const form = readAnswerForm(request.body);
      const run = await getRun(options.client, request.params.workflowId);
      requireWaiting(run);
      const submissionId = form.submissionId ?? randomToken();
      const outcome = await sendAnswers(options.client, run, form.answers, `support-web-${submissionId}`);
      remember(results, session.id, submissionId, outcome);
      // Post/redirect/get: the run page can reload itself without sending the answers again.
      return reply.redirect(`/runs/${encodeURIComponent(run.workflowId)}?result=${submissionId}`, 303);
    } catch (err) {
      if (err instanceof AnswerFormError) return send(reply, 400, errorPage(err.message));
      return fail(reply, err);
    }
  });

  app.setNotFoundHandler((_request, reply) => send(reply, 404, errorPage('There is no such page.')));
  app.setErrorHandler((err: FastifyError, _request, reply) => {
    const status = typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    const message = status === 500 ? 'The support page failed; see its log.' : `The request was not understood (${err.code ?? status}).`;
    if (status === 500) console.error(`support page: ${err.name}: ${err.message.split('\n')[0]}`);
    return send(reply, status, errorPage(message));
  });

  await app.listen({ host: options.host, port: options.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const url = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`;
  return {
    url,
    loginUrl: `${url}/login?token=${encodeURIComponent(token)}`,
    tokenGenerated: generated,
    close: () => app.close(),
  };
}

function remember(results: Map<string, Map<string, AnswerOutcome>>, sessionId: string, submissionId: string, outcome: AnswerOutcome): void {
  const kept = results.get(sessionId) ?? new Map<string, AnswerOutcome>();
  kept.set(submissionId, outcome);
  if (kept.size > RESULTS_KEPT_PER_SESSION) kept.delete(kept.keys().next().value!);
  results.set(sessionId, kept);
}
