// One form per run, one field per challenge, in the shape each MX challenge type needs.
import type { PendingChallenge } from '../../../workflows/messages';
import { parseChallengeImage, toDataUri } from '../images';
import { html, type SafeHtml } from './html';

export const ANSWER_FIELD_PREFIX = 'answer:';

export interface ChallengeFormInput {
  workflowId: string;
  challenges: PendingChallenge[];
  csrfToken: string;
  /** A fresh id per rendered form: it becomes the update id, so a double submit is applied once. */
  submissionId: string;
  /** Distinguishes the element ids of several forms on one page. */
  formKey: string;
}

export function challengeForm(input: ChallengeFormInput): SafeHtml {
  const action = `/runs/${encodeURIComponent(input.workflowId)}/answers`;
  return html`<form method="post" action="${action}" class="answers" data-run="${input.workflowId}">
  <input type="hidden" name="_csrf" value="${input.csrfToken}">
  <input type="hidden" name="submission" value="${input.submissionId}">
  ${input.challenges.map((challenge, i) => challengeField(challenge, `${input.formKey}-${i}`))}
  <button type="submit">Send answers</button>
</form>`;
}

function challengeField(challenge: PendingChallenge, id: string): SafeHtml {
  const name = `${ANSWER_FIELD_PREFIX}${challenge.guid}`;
  const legend = html`<legend>${challenge.label ?? '(no question text)'} <span class="type">${challenge.type}</span></legend>`;
  switch (challenge.type) {
    case 'OPTIONS':
      return html`<fieldset>${legend}${(challenge.options ?? []).map((option, j) =>
        radio(name, `${id}-${j}`, option.value, html`${option.label ?? option.value ?? ''}`),
      )}</fieldset>`;
    case 'IMAGE_OPTIONS':
      return html`<fieldset class="image-options">${legend}${(challenge.imageOptions ?? []).map((option, j) =>
        radio(
          name,
          `${id}-${j}`,
          option.value,
          html`${image(option.dataUri, option.label ?? `Option ${j + 1}`)}<span>${option.label ?? ''}</span>`,
        ),
      )}</fieldset>`;
    case 'IMAGE_DATA':
      return html`<fieldset>${legend}${image(challenge.imageData ?? null, 'Challenge image')}${textInput(name, id, 'text')}</fieldset>`;
    case 'TOKEN':
      return html`<fieldset>${legend}${textInput(name, id, 'password')}</fieldset>`;
    case 'TEXT':
      return html`<fieldset>${legend}${textInput(name, id, 'text')}</fieldset>`;
    default:
      return html`<fieldset>${legend}<p class="note">Unknown challenge type: answered as text.</p>${textInput(name, id, 'text')}</fieldset>`;
  }
}

function radio(name: string, id: string, value: string | null, label: SafeHtml): SafeHtml {
  if (value === null) return html`<div class="option disabled">${label} (no value; cannot be chosen)</div>`;
  return html`<div class="option"><input type="radio" id="${id}" name="${name}" value="${value}" required><label for="${id}">${label}</label></div>`;
}

function textInput(name: string, id: string, type: 'text' | 'password'): SafeHtml {
  return html`<label for="${id}">Answer</label> <input type="${type}" id="${id}" name="${name}" autocomplete="off" spellcheck="false" required>`;
}

function image(data: string | null, alt: string): SafeHtml {
  const parsed = parseChallengeImage(data);
  if (!parsed) return html`<span class="note">(image not shown: not a PNG, JPEG, GIF, WebP or BMP data URI)</span>`;
  return html`<img src="${toDataUri(parsed)}" alt="${alt}">`;
}
