// What `npm start` prints once everything is up: where to look and ready-to-paste commands. An input holds
// credentials, so the commands read it from a file (mode 0600), never from the command line, where the
// shell's history, `ps` and npm's echo would show it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { GUIDE_LIST, GUIDES, type GuideTypeName, guideWorkflowId } from '../guides/registry';

export interface Instructions {
  temporalAddress: string;
  /** Set only when `npm start` runs the dev server (another server has its own UI). */
  webUiUrl: string | undefined;
  codecUrl: string;
  /** The codec server `npm run temporal` finds by itself; any other needs --codec-endpoint. */
  codecIsDefault: boolean;
  /** Whether the printed commands need --address (npm run temporal defaults to 127.0.0.1:7233 or TEMPORAL_ADDRESS). */
  addressIsDefault: boolean;
  mxUrl: string;
  /** The local sandbox, where MX Bank's password picks the outcome. */
  sandbox: boolean;
  supportUrl: string;
  taskQueue: string;
  /** Where the sandbox's sample input is (writeSampleInput); with real MX the user writes their own. */
  inputFile: string;
}

/** MX Bank in the sandbox connects with this password; "challenge" asks MFA first (answer "correct"). */
export const SAMPLE_INPUT = {
  userId: 'alice',
  institutionCode: 'mxbank',
  credentials: { username: 'mxuser', password: 'password' },
};

/** The sample input as a file only its owner can read, for the printed commands to pass with --input-file. */
export function writeSampleInput(path: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(SAMPLE_INPUT)}\n`, { mode: 0o600 });
}

/** TEMPORAL_TASK_QUEUE's default (src/config.ts): the support CLI uses it unless told otherwise. */
const DEFAULT_TASK_QUEUE = 'mx-guides';

/** The same start through the support CLI: the registry's id rule, input checked first, credentials sealed. */
export function supportStartCommand(type: GuideTypeName, options: Instructions): string {
  return [
    ...(options.addressIsDefault ? [] : [`TEMPORAL_ADDRESS=${options.temporalAddress}`]),
    ...(options.taskQueue === DEFAULT_TASK_QUEUE ? [] : [`TEMPORAL_TASK_QUEUE=${options.taskQueue}`]),
    `npm run -s support -- start ${type} --input-file ${options.inputFile}`,
  ].join(' ');
}

/** The Temporal CLI's form of a start, as the README shows it. */
export function workflowStartCommand(type: GuideTypeName, options: Instructions): string {
  return [
    'npm run -s temporal -- workflow start',
    ...(options.addressIsDefault ? [] : [`--address ${options.temporalAddress}`]),
    ...(options.codecIsDefault ? [] : [`--codec-endpoint ${options.codecUrl}`]),
    `--task-queue ${options.taskQueue}`,
    `--type ${type}`,
    `--workflow-id ${guideWorkflowId(GUIDES[type], SAMPLE_INPUT)}`,
    // Without --fail-existing the CLI answers a start of a running id with that run, as if it had started it.
    '--id-conflict-policy Fail --fail-existing',
    `--input-file ${options.inputFile}`,
  ].join(' ');
}

export function instructionLines(options: Instructions): string[] {
  return [
    '',
    `Temporal      ${options.temporalAddress}`,
    ...(options.webUiUrl ? [`Web UI        ${options.webUiUrl}  (payloads decrypted through the codec server)`] : []),
    `Codec server  ${options.codecUrl}  (loopback only; the Temporal CLI uses it via --codec-endpoint or TEMPORAL_CODEC_ENDPOINT)`,
    `MX API        ${options.mxUrl}`,
    `Support page  ${options.supportUrl}  (answer MFA here; sign-in link in the [support] lines above)`,
    '',
    options.sandbox
      ? `Start a guide run (input from ${options.inputFile}, encrypted on the way in; credentials sealed for workers):`
      : `Start a guide run: put the input (README, "Run the guides") in ${options.inputFile} with mode 0600 first, then:`,
    ...GUIDE_LIST.map((guide) => `  ${supportStartCommand(guide.type, options)}`),
    'or with the Temporal CLI:',
    ...GUIDE_LIST.map((guide) => `  ${workflowStartCommand(guide.type, options)}`),
    'Starting a workflow id that is still running starts nothing: the CLI says "Workflow execution is already running" and',
    `names the run (watch it: npm run -s temporal -- workflow describe${options.addressIsDefault ? '' : ` --address ${options.temporalAddress}`} --workflow-id <id>).`,
    ...(options.sandbox ? ['With "password":"challenge" the sandbox asks MFA: answer "correct" on the support page.'] : []),
    '',
  ];
}
