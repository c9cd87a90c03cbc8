// Command-line arguments of `npm run support`. Hand-rolled so that no error message ever repeats an
// argument's value: `--answer` values are MFA answers. `--answers-file` keeps them off the command line
// (and out of shell history and `ps`).
import type { MfaAnswer } from '../../../workflows/messages';
import { SupportError } from '../errors';
import { GUIDE_LIST } from '../../guides/registry';

const GUIDE_NAMES = GUIDE_LIST.map((guide) => guide.type);

export type SupportCommand =
  | { command: 'help' }
  | { command: 'pending'; json: boolean; match: string | null }
  | { command: 'show'; workflowId: string; json: boolean; imagesDir: string | null }
  | { command: 'answer'; workflowId: string; answers: MfaAnswer[]; answersFile: string | null; imagesDir: string | null }
  | { command: 'start'; guide: string; inputFile: string; workflowId: string | null; json: boolean };

const FLAGS: Record<string, { takesValue: boolean; commands: string[] }> = {
  '--json': { takesValue: false, commands: ['pending', 'show', 'start'] },
  '--match': { takesValue: true, commands: ['pending'] },
  '--answer': { takesValue: true, commands: ['answer'] },
  '--answers-file': { takesValue: true, commands: ['answer'] },
  '--images-dir': { takesValue: true, commands: ['show', 'answer'] },
  '--input-file': { takesValue: true, commands: ['start'] },
  '--workflow-id': { takesValue: true, commands: ['start'] },
};

export function parseSupportArgs(argv: string[]): SupportCommand {
  if (argv.length === 0 || argv.some((a) => a === '--help' || a === '-h') || argv[0] === 'help') return { command: 'help' };
  const [command, ...rest] = argv;
  if (command !== 'pending' && command !== 'show' && command !== 'answer' && command !== 'start') {
    throw usage(`Unknown command ${JSON.stringify(command)}: use pending, show, answer or start.`);
  }
  const positionals: string[] = [];
  const values: Record<string, string[]> = {};
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg : arg.slice(0, eq);
    const flag = FLAGS[name];
    if (!flag || !flag.commands.includes(command)) throw usage(`Unknown option ${name} for ${command}.`);
    if (!flag.takesValue) {
      if (eq !== -1) throw usage(`${name} takes no value.`);
      (values[name] ??= []).push('');
      continue;
    }
    const value = eq === -1 ? rest[++i] : arg.slice(eq + 1);
    if (value === undefined) throw usage(`${name} needs a value.`);
    (values[name] ??= []).push(value);
  }
  const json = Boolean(values['--json']);
  const imagesDir = values['--images-dir']?.at(-1) ?? null;
  if (command === 'pending') {
    if (positionals.length > 0) throw usage('pending takes no workflow id.');
    return { command, json, match: values['--match']?.at(-1) ?? null };
  }
  if (command === 'start') {
    // The input holds credentials: from a file (or stdin) only, never from the command line.
    if (positionals.length !== 1) throw usage(`start needs exactly one guide: ${GUIDE_NAMES.join(' or ')}.`);
    const inputFile = values['--input-file']?.at(-1);
    if (inputFile === undefined)
      throw usage('start needs --input-file <file> (- for stdin): the input holds credentials, so it never goes on the command line.');
    return { command, guide: positionals[0]!, inputFile, workflowId: values['--workflow-id']?.at(-1) ?? null, json };
  }
  if (positionals.length !== 1) throw usage(`${command} needs exactly one workflow id.`);
  const workflowId = positionals[0]!;
  if (command === 'show') return { command, workflowId, json, imagesDir };
  const answersFile = values['--answers-file']?.at(-1) ?? null;
  if (answersFile !== null && values['--answer']) throw usage('Give answers with --answer or with --answers-file, not both.');
  return { command, workflowId, answers: parseAnswers(values['--answer'] ?? []), answersFile, imagesDir };
}

/** `<challenge guid>=<value>`; the value may itself contain "=". `what` names an entry in errors. */
export function parseAnswers(specs: string[], what = '--answer number'): MfaAnswer[] {
  const answers: MfaAnswer[] = [];
  for (const [index, spec] of specs.entries()) {
    const eq = spec.indexOf('=');
    const guid = eq === -1 ? '' : spec.slice(0, eq).trim();
    if (!guid) throw usage(`${what} ${index + 1} must look like <challenge guid>=<value>.`);
    if (eq === spec.length - 1) throw usage(`--answer for ${guid} has an empty value.`);
    if (answers.some((a) => a.guid === guid)) throw usage(`--answer for ${guid} is given twice.`);
    answers.push({ guid, value: spec.slice(eq + 1) });
  }
  return answers;
}

function usage(message: string): SupportError {
  return new SupportError('bad-input', `${message} See --help.`);
}

export const HELP = `Start runs of the MX guide workflows and answer their multi-factor authentication (MFA).

Usage:
  npm run support -- pending [--json] [--match <text>]
      The runs waiting for MFA: workflow id, user, institution, challenge types, time left.
      --match keeps runs whose workflow id (it names the user and institution) contains <text>.
  npm run support -- show <workflowId> [--json] [--images-dir <dir>]
      Each challenge of the run: guid, type, question, options. Images are saved to files
      (default: <tmp>/mx-support) and their paths printed.
  npm run support -- answer <workflowId> [--answer <guid>=<value> ... | --answers-file <file>] [--images-dir <dir>]
      Sends the answers and prints what MX did next. Without --answer, asks for each
      challenge: hidden input for text and codes, a numbered choice for options.
      --answers-file reads <guid>=<value> lines from a file (- for stdin), so answers stay
      off the command line. Answers are sealed: only the workers can read them.
  npm run support -- start <${GUIDE_NAMES.join('|')}> --input-file <file> [--workflow-id <id>] [--json]
      Checks the input (a JSON object, README "Run the guides"; - reads it from stdin) and starts
      the guide as workflow <guide id prefix>-<userId>-<institution> on TEMPORAL_TASK_QUEUE.
      Starts nothing while a run with that id is open and says which run it is (exit code 1).
      Credentials are sealed on the way: only the workers can read them.

Connection: the Temporal CLI's settings (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY,
TEMPORAL_TLS_*, TEMPORAL_PROFILE). Payloads are decrypted with PAYLOAD_CODEC_KEY (or .data/codec.key).

Exit codes: 0 done, 1 error (unknown run, run not waiting, run already running, Temporal unreachable),
2 bad arguments or input, 3 answers rejected (by the run or by MX).
`;
