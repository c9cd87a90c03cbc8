// Reads a posted answers form. Field values are MFA answers: errors name the challenge, never the value.
import type { MfaAnswer } from '../../../workflows/messages';
import { ANSWER_FIELD_PREFIX } from './challenge-form';

export interface AnswerForm {
  answers: MfaAnswer[];
  /** The form's submission id (the update id), or null when missing or malformed. */
  submissionId: string | null;
}

export class AnswerFormError extends Error {
  override name = 'AnswerFormError';
}

const SUBMISSION_ID = /^[A-Za-z0-9_-]{16,64}$/;

export function readAnswerForm(body: unknown): AnswerForm {
  if (!body || typeof body !== 'object') throw new AnswerFormError('The form was empty.');
  const answers: MfaAnswer[] = [];
  for (const [field, value] of Object.entries(body as Record<string, unknown>)) {
    if (!field.startsWith(ANSWER_FIELD_PREFIX)) continue;
    const guid = field.slice(ANSWER_FIELD_PREFIX.length);
    if (!guid) throw new AnswerFormError('An answer field has no challenge guid.');
    if (typeof value !== 'string') throw new AnswerFormError(`The answer for ${guid} was sent more than once.`);
    if (value.trim() === '') throw new AnswerFormError(`The answer for ${guid} is empty.`);
    answers.push({ guid, value });
  }
  if (answers.length === 0) throw new AnswerFormError('The form holds no answers.');
  const submission = (body as Record<string, unknown>).submission;
  return { answers, submissionId: typeof submission === 'string' && SUBMISSION_ID.test(submission) ? submission : null };
}
