import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { askForAnswers } from '../../src/support/cli/prompt';
import type { PendingChallenge } from '../../workflows/messages';

const text: PendingChallenge = { guid: 'CRD-1', label: 'What city were you born in?', fieldName: null, type: 'TEXT' };
const options: PendingChallenge = {
  guid: 'CRD-2',
  label: 'Pick one of the following',
  fieldName: null,
  type: 'OPTIONS',
  options: [
    { label: 'image', value: 'image' },
    { label: 'correct', value: 'correct' },
  ],
};

function io(tty: boolean) {
  const input = Object.assign(new PassThrough(), tty ? { isTTY: true, setRawMode: () => undefined } : {});
  const output = new PassThrough();
  let printed = '';
  output.on('data', (chunk: Buffer) => (printed += chunk.toString()));
  return { input, output, printed: () => printed };
}

describe('interactive answers', () => {
  it('asks each challenge in turn: free text, then a numbered choice that re-asks until it is valid', async () => {
    const { input, output, printed } = io(false);
    const answers = askForAnswers([text, options], { input, output });
    input.write('Springfield\n7\nabc\n2\n');
    await expect(answers).resolves.toEqual([
      { guid: 'CRD-1', value: 'Springfield' },
      { guid: 'CRD-2', value: 'correct' },
    ]);
    expect(printed()).toContain('1/2 What city were you born in? [TEXT]');
    expect(printed()).toContain('  2) correct');
    expect(printed().match(/Type a number from 1 to 2\./g)).toHaveLength(2);
  });

  it('does not echo typed free text or codes on a terminal', async () => {
    const { input, output, printed } = io(true);
    const answers = askForAnswers([{ ...text, type: 'TOKEN' }], { input, output });
    input.write('s3cr3t-code\r');
    await expect(answers).resolves.toEqual([{ guid: 'CRD-1', value: 's3cr3t-code' }]);
    expect(printed()).toContain('Answer (not shown): ');
    expect(printed()).not.toContain('s3cr3t');
  });

  it('reports which challenge went unanswered when the input ends', async () => {
    const { input, output } = io(false);
    const answers = askForAnswers([text, options], { input, output });
    input.end('Springfield\n');
    await expect(answers).rejects.toThrow('No answer given for challenge CRD-2: input ended. Nothing was sent.');
  });
});
