// Error type names the activities throw as ApplicationFailures. Workflows branch on these names, so they
// are part of the contract between workflows and activities; this file must stay free of Node imports.
export const ACTIVITY_ERROR_TYPES = {
  badRequest: 'MxBadRequest',
  unauthorized: 'MxUnauthorized',
  forbidden: 'MxForbidden',
  notFound: 'MxNotFound',
  methodNotAllowed: 'MxMethodNotAllowed',
  notAcceptable: 'MxNotAcceptable',
  unprocessable: 'MxUnprocessable',
  jobConflict: 'MxJobConflict',
  duplicate: 'MxDuplicate',
  protocol: 'MxProtocolError',
  /** The forward proxy to MX refused our credentials (407): HTTPS_PROXY needs fixing, not a retry. */
  proxyAuthRequired: 'MxProxyAuthRequired',
  institutionNotFound: 'InstitutionNotFound',
  /** The institution exists but lacks what the guide needs (statements). */
  institutionUnsupported: 'InstitutionUnsupported',
  credentialsMismatch: 'CredentialsMismatch',
  hashMismatch: 'StatementHashMismatch',
} as const;
