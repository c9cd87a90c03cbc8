// The MFA questions MX Bank asks, shaped as MX's ChallengeResponse. Texts follow MX Bank's own.
import type { ChallengeType } from './mx-bank';

export interface Challenge {
  guid: string;
  type: ChallengeType;
  label: string;
  field_name: string;
  image_data?: string;
  options?: { guid: string; label: string; value: string }[];
  image_options?: { guid: string; label: string; value: string; data_uri: string }[];
}

// A 1x1 PNG: enough for a client to show "an image" without shipping one.
const TINY_PNG = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

const QUESTIONS: Record<ChallengeType, string> = {
  TEXT: 'What city were you born in?',
  OPTIONS: 'Pick one of the following',
  TOKEN: 'Enter the code we sent to your phone',
  IMAGE_DATA: 'Who is this guy?',
  IMAGE_OPTIONS: 'Pick the picture of your car',
};
const FOLLOW_UP_QUESTION = 'What was the name of your first pet?';

/** A challenge of the given type; `optionGuid(n)` names its n-th option. */
export function makeChallenge(type: ChallengeType, guid: string, optionGuid: (index: number) => string, followUp: boolean): Challenge {
  const label = followUp ? FOLLOW_UP_QUESTION : QUESTIONS[type];
  const challenge: Challenge = { guid, type, label, field_name: label };
  const choices = [
    { label: 'correct', value: 'correct' },
    { label: 'challenge', value: 'challenge' },
    { label: 'wrong answer', value: 'wrong' },
  ];
  if (type === 'OPTIONS') challenge.options = choices.map((choice, i) => ({ guid: optionGuid(i), ...choice }));
  if (type === 'IMAGE_OPTIONS') {
    challenge.image_options = choices.map((choice, i) => ({ guid: optionGuid(i), ...choice, data_uri: TINY_PNG }));
  }
  if (type === 'IMAGE_DATA') challenge.image_data = TINY_PNG;
  return challenge;
}

/** The challenge as MX shows it; a sandbox label override replaces the bank's text (escaping tests). */
export function challengeView(challenge: Challenge, labelOverride: string | undefined): Record<string, unknown> {
  if (labelOverride === undefined) return { ...challenge };
  return { ...challenge, label: labelOverride, field_name: labelOverride };
}
