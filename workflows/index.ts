// The workflows the worker registers (and the test setup bundles): one per MX guide.
export { fetchAccountData } from './fetch-account-data';
export { fetchStatements } from './fetch-statements';
export { refreshMember } from './refresh-member';
