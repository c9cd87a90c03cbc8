// `npm run support`: the support queue, one run's challenges, and sending answers, for an agent on a call.
import { readFile } from 'node:fs/promises';
import type { Client } from '@temporalio/client';
import type { MfaAnswer } from '../../../workflows/messages';
import { connectSupportClient } from '../connect';
import { SupportError, toSupportError } from '../errors';
import { getRun, listWaitingRuns, requireWaiting, sendAnswers } from '../runs';
import { HELP, parseAnswers, parseSupportArgs, type SupportCommand } from './args';
import { askForAnswers } from './prompt';
import { answerHint, challengeList, describeOutcome, pendingJson, pendingTable, runHeader } from './render';
import { defaultImagesDir, saveChallengeImages } from './save-images';
import { prepareStart, runStart, type StartRequest } from './start-command';
import { loadConfig } from '../../config';

export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

const EXIT_ERROR = 1;
const EXIT_USAGE = 2;

/** Runs one command and returns the process exit code; every failure is one line on stderr. */
export async function runSupportCli(argv: string[], io: CliIo): Promise<number> {
  let command: SupportCommand;
  try {
    command = parseSupportArgs(argv);
  } catch (err) {
    io.stderr.write(`support: ${(err as Error).message}\n`);
    return EXIT_USAGE;
  }
  if (command.command === 'help') {
    io.stdout.write(HELP);
    return 0;
  }
  let connection;
  try {
    // A bad guide name, file or input is refused before any connection is made.
    const start = command.command === 'start' ? await prepareStart(command, io.stdin, (line) => io.stderr.write(`${line}\n`)) : undefined;
    connection = await connectSupportClient(io.env);
    if (start) return await startRun(connection.client, start, command as Extract<SupportCommand, { command: 'start' }>, io);
    return await execute(connection.client, command as Exclude<SupportCommand, { command: 'help' | 'start' }>, io);
  } catch (err) {
    const problem = toSupportError(err);
    io.stderr.write(`support: ${problem.message}\n`);
    return problem.kind === 'bad-input' ? EXIT_USAGE : EXIT_ERROR;
  } finally {
    await connection?.close().catch(() => undefined);
  }
}

async function startRun(
  client: Client,
  request: StartRequest,
  command: Extract<SupportCommand, { command: 'start' }>,
  io: CliIo,
): Promise<number> {
  const { text, exitCode } = await runStart(client, request, loadConfig(io.env).taskQueue, command.json);
  io.stdout.write(`${text}\n`);
  return exitCode;
}

async function execute(client: Client, command: Exclude<SupportCommand, { command: 'help' | 'start' }>, io: CliIo): Promise<number> {
  const print = (text: string) => io.stdout.write(`${text}\n`);
  if (command.command === 'pending') {
    const runs = await listWaitingRuns(client, { match: command.match ?? undefined });
    print(command.json ? JSON.stringify(pendingJson(runs), null, 2) : pendingTable(runs));
    return 0;
  }
  const run = await getRun(client, command.workflowId);
  const progress = requireWaiting(run);
  const images = saveChallengeImages(command.imagesDir ?? defaultImagesDir(), run.workflowId, progress.mfa.challenges);
  if (command.command === 'show') {
    if (command.json) {
      const imagePaths = Object.fromEntries(images);
      print(JSON.stringify({ workflowId: run.workflowId, runId: run.runId, progress, imagePaths }, null, 2));
    } else {
      print(
        `${runHeader(run, progress)}\n\n${challengeList(progress.mfa.challenges, images)}\n\n${answerHint(run.workflowId, progress.mfa.challenges)}`,
      );
    }
    return 0;
  }
  let answers = command.answersFile === null ? command.answers : await readAnswersFile(command.answersFile, io.stdin);
  if (answers.length === 0) {
    io.stderr.write(`${runHeader(run, progress)}\n\n${challengeList(progress.mfa.challenges, images)}\n`);
    answers = await askForAnswers(progress.mfa.challenges, { input: io.stdin, output: io.stderr });
  }
  if (answers.length === 0) throw new SupportError('bad-input', 'The run lists no challenges to answer.');
  const outcome = await sendAnswers(client, run, answers);
  const { text, exitCode } = describeOutcome(outcome);
  print(text);
  if (outcome.kind === 'applied' && outcome.result.outcome === 'CHALLENGED' && outcome.result.challenges?.length) {
    const next = saveChallengeImages(command.imagesDir ?? defaultImagesDir(), run.workflowId, outcome.result.challenges);
    print(`\n${challengeList(outcome.result.challenges, next)}\n\n${answerHint(run.workflowId, outcome.result.challenges)}`);
  }
  return exitCode;
}

/** `<guid>=<value>` lines from a file, or from stdin for `-`; blank lines are skipped. */
async function readAnswersFile(path: string, stdin: NodeJS.ReadableStream): Promise<MfaAnswer[]> {
  let content: string;
  try {
    content = path === '-' ? await text(stdin) : await readFile(path, 'utf8');
  } catch (err) {
    throw new SupportError(
      'bad-input',
      `Cannot read --answers-file ${JSON.stringify(path)}: ${(err as NodeJS.ErrnoException).code ?? 'unreadable'}.`,
    );
  }
  return parseAnswers(
    content.split(/\r?\n/).filter((line) => line.trim() !== ''),
    '--answers-file line',
  );
}

async function text(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}
