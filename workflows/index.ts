// The workflows the worker registers (and the test setup bundles): one per MX guide, the refresh of a
// member those guides created, and the delivery of run events.
export { fetchAccountData } from './fetch-account-data';
export { fetchStatements } from './fetch-statements';
export { deliverRunEvent } from './run-events';
export { refreshMember } from './refresh-member';
