// The guides this project runs, in one table: for each, the workflow type the worker registers, the
// workflow id rule and the input check. Whatever starts or names a guide run (the support CLI's `start`,
// the commands `npm start` prints, schedules, the webhook receiver) reads it here, so a third guide is one
// more entry (plus its workflow in workflows/index.ts), not edits in every caller.
import { parseInput, type GuideInput, type GuideOptions } from '../../workflows/input';
import { WORKFLOW_TYPES } from '../../workflows/messages';

/** MX's guides (refreshMember, which keeps a guide's member current, has its own ids: src/schedules/refresh-ids.ts). */
export type GuideTypeName = (typeof WORKFLOW_TYPES)[number];

export interface Guide {
  /** The workflow type, as registered by the worker (workflows/index.ts). */
  type: GuideTypeName;
  /** The guide's title in MX's documentation. */
  title: string;
  /** Workflow ids of this guide start with it: `<idPrefix>-<userId>-<institution>`. */
  idPrefix: string;
}

export const GUIDES: Readonly<Record<GuideTypeName, Guide>> = {
  fetchAccountData: { type: 'fetchAccountData', title: 'Fetch Account and Transaction Data', idPrefix: 'fetch-account-data' },
  fetchStatements: { type: 'fetchStatements', title: 'Fetch Statements', idPrefix: 'fetch-statements' },
};

/** Every guide, in the order the README lists them. */
export const GUIDE_LIST: readonly Guide[] = WORKFLOW_TYPES.map((type) => GUIDES[type]);

export class UnknownGuideError extends Error {
  override name = 'UnknownGuideError';
  constructor(name: string) {
    super(`Unknown guide ${JSON.stringify(name.slice(0, 60))}: use ${GUIDE_LIST.map((g) => g.type).join(' or ')}.`);
  }
}

/** The guide a workflow type names, or UnknownGuideError listing the ones there are. */
export function guideNamed(name: string): Guide {
  const guide = (GUIDES as Record<string, Guide | undefined>)[name];
  if (!guide) throw new UnknownGuideError(name);
  return guide;
}

/**
 * One run per user, institution and guide at a time: `fetch-statements-alice-mxbank`. The institution is
 * its code, or its name made id-safe when the input names it by name ("MX Bank" → "mx-bank").
 */
export function guideWorkflowId(guide: Guide, input: Pick<GuideInput, 'userId' | 'institutionCode' | 'institutionName'>): string {
  const institution = input.institutionCode ?? slug(input.institutionName ?? '');
  return `${guide.idPrefix}-${input.userId}-${institution}`;
}

function slug(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9._@]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

export class InvalidGuideInputError extends Error {
  override name = 'InvalidGuideInputError';
}

/**
 * The workflow's own input check, run before starting, so a bad input is refused with the same message
 * the run would fail with (every problem named, no value echoed) and no run is created.
 */
export function checkGuideInput(input: unknown): GuideOptions {
  try {
    return parseInput(input);
  } catch (err) {
    throw new InvalidGuideInputError((err as Error).message);
  }
}
