// One MX Platform API version as the client sees it: which headers select it, how request bodies and
// query parameters are spelled, and how answers map back into the client's types. Workflows and
// activities never see a version: they call the same MxClient methods whichever one a worker talks.
import type { z } from 'zod';
import type { CreateMemberBody, DateWindow, InstitutionSearch, UpdateMemberBody } from '../client-types';
import type { Query } from '../http';
import type { MxInstitution } from '../schemas';

export const MX_API_VERSIONS = ['v20111101', 'v20250224'] as const;
export type MxApiVersion = (typeof MX_API_VERSIONS)[number];
/** The version both guides are written against; MX_API_VERSION changes it. */
export const DEFAULT_MX_API_VERSION: MxApiVersion = 'v20111101';

export interface MxVersion {
  readonly name: MxApiVersion;
  /** Sent with every JSON call (MX answers 406 without a valid version). */
  readonly jsonHeaders: Readonly<Record<string, string>>;
  /** Sent with the statement PDF download. */
  readonly pdfHeaders: Readonly<Record<string, string>>;
  createMemberBody(member: CreateMemberBody): unknown;
  updateMemberBody(member: UpdateMemberBody): unknown;
  institutionQuery(search: InstitutionSearch): Query;
  transactionWindow(window: DateWindow): Query;
  /** An institution as this version describes it, read into the client's MxInstitution. */
  readonly institution: z.ZodType<MxInstitution>;
}
