// v20111101: the version the guides are written in. Selected by the vendor Accept header and, since
// 12 August 2026, also by Accept-Version (MX's migration guide); request and answer shapes are the
// client's own.
import { institutionSchema } from '../schemas';
import type { MxVersion } from './types';

export const v20111101: MxVersion = {
  name: 'v20111101',
  jsonHeaders: { accept: 'application/vnd.mx.api.v1+json', 'accept-version': 'v20111101' },
  pdfHeaders: { accept: 'application/vnd.mx.api.v1+pdf', 'accept-version': 'v20111101' },
  createMemberBody: (member) => ({ member }),
  updateMemberBody: (member) => ({ member }),
  institutionQuery: (search) => ({ name: search.name, supports_account_statement: search.supportsAccountStatement }),
  transactionWindow: (window) => ({ from_date: window.fromDate, to_date: window.toDate }),
  institution: institutionSchema,
};
