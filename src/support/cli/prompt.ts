// Interactive answers: one prompt per challenge. Codes and free text are typed without echo (the
// agent may share a screen); options are picked by number so the agent never retypes a bank's value.
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import type { MfaAnswer, PendingChallenge } from '../../../workflows/messages';
import { SupportError } from '../errors';
import { plain } from './table';

export interface PromptIo {
  input: NodeJS.ReadableStream & { isTTY?: boolean };
  /** Prompts go here (stderr), so stdout carries only results. */
  output: NodeJS.WritableStream;
}

export async function askForAnswers(challenges: PendingChallenge[], io: PromptIo): Promise<MfaAnswer[]> {
  const reader = lineReader(io);
  try {
    const answers: MfaAnswer[] = [];
    for (const [i, challenge] of challenges.entries()) {
      io.output.write(`\n${i + 1}/${challenges.length} ${plain(challenge.label ?? '(no question text)')} [${plain(challenge.type)}]\n`);
      const choices = choicesOf(challenge);
      const value = choices ? await askChoice(reader, io, choices) : await askHidden(reader);
      if (value === null)
        throw new SupportError('bad-input', `No answer given for challenge ${challenge.guid}: input ended. Nothing was sent.`);
      answers.push({ guid: challenge.guid, value });
    }
    return answers;
  } finally {
    reader.close();
  }
}

type Choice = { label: string; value: string };

function choicesOf(challenge: PendingChallenge): Choice[] | null {
  const options =
    challenge.type === 'IMAGE_OPTIONS' ? challenge.imageOptions : challenge.type === 'OPTIONS' ? challenge.options : undefined;
  if (!options) return null;
  return options.filter((o) => o.value !== null).map((o) => ({ label: o.label ?? o.value!, value: o.value! }));
}

async function askChoice(reader: LineReader, io: PromptIo, choices: Choice[]): Promise<string | null> {
  choices.forEach((choice, i) => io.output.write(`  ${i + 1}) ${plain(choice.label)}\n`));
  for (;;) {
    const line = await reader.ask(`Choose 1-${choices.length}: `, false);
    if (line === null) return null;
    const picked = choices[Number(line.trim()) - 1];
    if (/^\d+$/.test(line.trim()) && picked) return picked.value;
    io.output.write(`Type a number from 1 to ${choices.length}.\n`);
  }
}

async function askHidden(reader: LineReader): Promise<string | null> {
  for (;;) {
    const line = await reader.ask('Answer (not shown): ', true);
    if (line === null || line.length > 0) return line;
  }
}

interface LineReader {
  ask(prompt: string, hidden: boolean): Promise<string | null>;
  close(): void;
}

/** Reads lines whether stdin is a terminal (echo switched off for hidden input) or a pipe. */
function lineReader(io: PromptIo): LineReader {
  const terminal = Boolean(io.input.isTTY);
  let muted = false;
  const echo = new Writable({
    write(chunk, _encoding, done) {
      if (!muted) io.output.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input: io.input, output: echo, terminal });
  // Ctrl-C ends the input; the caller reports that nothing was sent.
  rl.on('SIGINT', () => rl.close());
  const lines = rl[Symbol.asyncIterator]();
  return {
    async ask(prompt, hidden) {
      rl.setPrompt(prompt);
      rl.prompt();
      muted = hidden;
      const next = await lines.next();
      muted = false;
      if (hidden && terminal) io.output.write('\n');
      return next.done ? null : next.value;
    },
    close: () => rl.close(),
  };
}
