// Error type names the MX client and the activities throw as ApplicationFailures. Workflows branch on
// these names, so they are part of the contract between workflows and activities. They are entries of
// the one failure catalogue (src/failures/catalogue.ts); this file only keeps the MX client's names.
import { FAILURE_TYPES as F } from '../failures/catalogue';

export const ACTIVITY_ERROR_TYPES = {
  badRequest: F.badRequest,
  unauthorized: F.unauthorized,
  forbidden: F.forbidden,
  notFound: F.notFound,
  methodNotAllowed: F.methodNotAllowed,
  notAcceptable: F.notAcceptable,
  unprocessable: F.unprocessable,
  jobConflict: F.jobConflict,
  duplicate: F.duplicate,
  protocol: F.protocol,
  proxyAuthRequired: F.proxyAuthRequired,
  institutionNotFound: F.institutionNotFound,
  institutionUnsupported: F.institutionUnsupported,
  credentialsMismatch: F.credentialsMismatch,
  hashMismatch: F.hashMismatch,
} as const;
