// `npm run support -- start <guide> --input-file <file>`: starts a guide run through the guide registry
// (src/guides), so the id rule, input check, task queue and conflict policy are the same as everywhere.
// The input holds credentials: it is read from a file or stdin, and no message ever repeats its content.
import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Client } from '@temporalio/client';
import { GuideAlreadyRunningError, startGuide } from '../../guides/start-guide';
import { checkGuideInput, type Guide, guideNamed, InvalidGuideInputError, UnknownGuideError } from '../../guides/registry';
import type { GuideInput } from '../../../workflows/input';
import { SupportError } from '../errors';

export interface StartRequest {
  guide: Guide;
  input: GuideInput;
  workflowId: string | null;
}

/** Everything that can be checked without Temporal: the guide's name, the file, the input itself. */
export async function prepareStart(
  command: { guide: string; inputFile: string; workflowId: string | null },
  stdin: NodeJS.ReadableStream,
  warn: (line: string) => void,
): Promise<StartRequest> {
  let guide: Guide;
  try {
    guide = guideNamed(command.guide);
  } catch (err) {
    if (err instanceof UnknownGuideError) throw new SupportError('bad-input', err.message);
    throw err;
  }
  const where = command.inputFile === '-' ? 'stdin' : `--input-file ${JSON.stringify(command.inputFile)}`;
  let text: string;
  try {
    text = command.inputFile === '-' ? await readAll(stdin) : await readFile(command.inputFile, 'utf8');
  } catch (err) {
    throw new SupportError('bad-input', `Cannot read ${where}: ${(err as NodeJS.ErrnoException).code ?? 'unreadable'}.`);
  }
  if (command.inputFile !== '-' && (statSync(command.inputFile).mode & 0o077) !== 0) {
    warn(`support: warning: ${command.inputFile} holds credentials and others may read it; chmod 600 ${command.inputFile}.`);
  }
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch {
    // JSON.parse's own message quotes the text, credentials included.
    throw new SupportError('bad-input', `The input in ${where} is not valid JSON.`);
  }
  try {
    checkGuideInput(input);
  } catch (err) {
    if (err instanceof InvalidGuideInputError) throw new SupportError('bad-input', err.message.replace(/\n- /g, '; ').replace(/:;/, ':'));
    throw err;
  }
  return { guide, input: input as GuideInput, workflowId: command.workflowId };
}

export interface StartOutcome {
  text: string;
  exitCode: number;
}

export async function runStart(client: Client, request: StartRequest, taskQueue: string, json: boolean): Promise<StartOutcome> {
  try {
    const started = await startGuide(client, request.guide, request.input, {
      taskQueue,
      ...(request.workflowId ? { workflowId: request.workflowId } : {}),
    });
    const { workflowId, runId } = started;
    if (json) return { text: JSON.stringify({ guide: request.guide.type, workflowId, runId, taskQueue }, null, 2), exitCode: 0 };
    return {
      text: [
        `Started ${request.guide.title} (${request.guide.type}): workflow ${workflowId}, run ${runId}, task queue ${taskQueue}.`,
        `Result: npm run -s temporal -- workflow result --workflow-id ${workflowId}`,
        `MFA:    npm run -s support -- pending --match ${workflowId}`,
      ].join('\n'),
      exitCode: 0,
    };
  } catch (err) {
    if (err instanceof GuideAlreadyRunningError) throw new SupportError('temporal', err.message);
    throw err;
  }
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}
