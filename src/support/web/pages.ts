// The support page's HTML: the queue, one run, the sign-in form and errors.
import type { AnswerMfaResult, Progress } from '../../../workflows/messages';
import type { AnswerOutcome, RunState } from '../runs';
import { formatTimeLeft } from '../time-left';
import { challengeForm } from './challenge-form';
import { html, type SafeHtml } from './html';

export interface PageContext {
  csrfToken: string;
  newSubmissionId: () => string;
}

function layout(title: string, body: SafeHtml, options: { refresh?: boolean; signedIn?: PageContext; redirectTo?: string } = {}): string {
  const signOut = options.signedIn
    ? html`<form method="post" action="/logout"><input type="hidden" name="_csrf" value="${options.signedIn.csrfToken}"><button type="submit">Sign out</button></form>`
    : '';
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title><link rel="stylesheet" href="/static/support.css">
${options.redirectTo ? html`<meta http-equiv="refresh" content="${`0;url=${options.redirectTo}`}">` : ''}
${options.refresh ? html`<script src="/static/refresh.js" defer></script>` : ''}</head>
<body><header><h1><a href="/">MX support: MFA</a></h1>${options.refresh ? html`<a href="">Refresh</a>` : ''}${signOut}</header>
<main>${body}</main></body></html>`.value;
}

export function queuePage(runs: RunState[], ctx: PageContext, match: string): string {
  const matching = match ? html` matching “${match}”` : '';
  const find = html`<form method="get" action="/" class="find"><label for="match">Find a run by user, institution or workflow id</label>
<input type="search" id="match" name="match" value="${match}" autocomplete="off"> <button type="submit">Find</button>${match ? html` <a href="/">Show all</a>` : ''}</form>`;
  const body = runs.length
    ? html`${find}<p>${runs.length} run${runs.length === 1 ? '' : 's'} waiting for MFA${matching}. This page refreshes itself until you start typing.</p>${runs.map((run, i) => runCard(run, ctx, `r${i}`))}`
    : html`${find}<p class="empty">No runs are waiting for MFA${matching}. This page refreshes itself.</p>`;
  return layout('MFA queue', body, { refresh: true, signedIn: ctx });
}

export function runPage(run: RunState, outcome: AnswerOutcome | null, ctx: PageContext): string {
  const body = html`${outcome ? outcomeBox(outcome) : ''}${runCard(run, ctx, 'r0')}<p><a href="/">Back to the queue</a></p>`;
  return layout(`Run ${run.workflowId}`, body, { refresh: true, signedIn: ctx });
}

function runCard(run: RunState, ctx: PageContext, formKey: string): SafeHtml {
  const p = run.progress;
  const link = `/runs/${encodeURIComponent(run.workflowId)}`;
  return html`<section class="run" data-workflow-id="${run.workflowId}">
<h2><a href="${link}">${run.workflowId}</a></h2>
<dl>
<dt>Run status</dt><dd class="status">${run.status}</dd>
${p ? progressFacts(p) : html`<dt>Progress</dt><dd class="problem">${run.problem ?? 'unknown'}</dd>`}
</dl>
${
  p?.mfa.awaiting && run.status === 'RUNNING'
    ? challengeForm({
        workflowId: run.workflowId,
        challenges: p.mfa.challenges,
        csrfToken: ctx.csrfToken,
        submissionId: ctx.newSubmissionId(),
        formKey,
      })
    : ''
}
</section>`;
}

function progressFacts(p: Progress): SafeHtml {
  return html`<dt>User</dt><dd>${p.userId ?? '-'}</dd>
<dt>Institution</dt><dd>${p.institutionCode ?? '-'}</dd>
<dt>Guide</dt><dd>${p.workflowType}</dd>
<dt>Step</dt><dd class="step">${p.step}: ${p.waitingFor}</dd>
${p.connectionStatus ? html`<dt>Connection</dt><dd>${p.connectionStatus}${p.connectionStatusMessage ? html` (${p.connectionStatusMessage})` : ''}</dd>` : ''}
${p.mfa.awaiting ? html`<dt>MFA round</dt><dd>${p.mfa.round}</dd><dt>Time left</dt><dd>${timeLeft(p.mfa.deadline)}</dd>` : ''}
${p.lastError ? html`<dt>Last error</dt><dd class="problem">${p.lastError}</dd>` : ''}`;
}

function timeLeft(deadline: string | null): SafeHtml {
  const text = formatTimeLeft(deadline);
  if (!deadline) return html`<span class="left">${text}</span>`;
  return html`<time class="left${text === 'expired' ? ' expired' : ''}" datetime="${deadline}" data-deadline="${deadline}">${text}</time>`;
}

function outcomeBox(outcome: AnswerOutcome): SafeHtml {
  if (outcome.kind === 'rejected') {
    return html`<div class="result rejected" role="status"><strong>Rejected, nothing was sent to MX.</strong> ${outcome.reason}</div>`;
  }
  const r = outcome.result;
  const accepted = r.outcome === 'CONNECTED' || r.outcome === 'CHALLENGED';
  return html`<div class="result ${accepted ? 'accepted' : 'rejected'}" role="status"><strong>${headline(r)}</strong>
${r.connectionStatus ? html` Connection status ${r.connectionStatus}.` : ''} ${r.message}</div>`;
}

function headline(r: AnswerMfaResult): string {
  switch (r.outcome) {
    case 'CONNECTED':
      return `Accepted (round ${r.round}): MX connected the member and the run goes on.`;
    case 'CHALLENGED':
      return `Accepted (round ${r.round}): MX asks a follow-up question, shown below.`;
    case 'REJECTED':
      return `MX rejected the answers (round ${r.round}).`;
    default:
      return `MX ended the connection (round ${r.round}).`;
  }
}

export function loginPage(problem: string | null): string {
  return layout(
    'Sign in',
    html`<h2>Sign in</h2>
${problem ? html`<p class="problem">${problem}</p>` : ''}
<p>Use the token printed when the support page started, or SUPPORT_WEB_TOKEN.</p>
<form method="post" action="/login"><label for="token">Token</label> <input type="password" id="token" name="token" autocomplete="off" required> <button type="submit">Sign in</button></form>`,
  );
}

/** A page that moves on to the queue itself, so the session cookie (SameSite=Strict) goes with the request. */
export function signedInPage(): string {
  return layout('Signed in', html`<p>Signed in. <a href="/">Continue to the MFA queue</a>.</p>`, { redirectTo: '/' });
}

export function errorPage(message: string): string {
  return layout('Support page error', html`<p class="problem">${message}</p><p><a href="/">Back to the queue</a></p>`);
}
