// Guide steps "Search for an institution" and "Get the institution-required credentials".
import type { Institution } from '../../activities/types';
import { mxShort } from '../activity-proxies';
import type { GuideRun } from '../guide-run';

/** `requireStatements`: the statements guide needs an institution that serves statement PDFs. */
export async function resolveInstitution(run: GuideRun, { requireStatements }: { requireStatements: boolean }): Promise<Institution> {
  const { institutionCode: code, institutionName: name } = run.options;
  run.step('RESOLVING_INSTITUTION', `Looking up institution ${code ? `"${code}"` : `named "${name}"`} and its credential fields.`);
  const institution = await mxShort().findInstitution({
    ...(code ? { code } : { name }),
    requireStatements,
  });
  run.setInstitution(institution.code, institution.name);
  return institution;
}
