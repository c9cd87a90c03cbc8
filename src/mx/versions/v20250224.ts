// v20250224 behind the guides' vocabulary (src/mx/openapi/v20250224.yml; README, "API version"):
// - `skip_aggregation` is gone. Members are created with `data_request.products` beside `member`: the
//   statements guide (skip_aggregation: true, then its own fetch_statements job) asks for no product,
//   so MX starts no job (200) and the guide's statements job is the only one; the accounts guide asks
//   for `transactions` (202, aggregation requested). An update cannot skip the aggregation that new
//   credentials start; the guides then wait for that job before starting their own.
// - institutions are filtered and described by `supported_products`; the answer is read back into the
//   supports_* booleans the guides test.
// - transaction windows are unix timestamps: from the start of fromDate to the end of toDate (UTC), the
//   same inclusive days as v20111101's YYYY-MM-DD.
// Paths take identifiers (guid or partner id) where v20111101 took guids; the client keeps sending
// guids, which both versions accept, so paths are the same.
import { z } from 'zod';
import type { MemberOptionsBody } from '../client-types';
import { institutionSchema } from '../schemas';
import type { MxVersion } from './types';

const DAY_SECONDS = 86_400;

/** The supports_* flags v20111101 had, and the product each became. */
const PRODUCT_FLAGS = {
  supports_account_identification: 'identity_verification',
  supports_account_statement: 'statements',
  supports_account_verification: 'account_verification',
  supports_transaction_history: 'transaction_history',
} as const;

/** Fills the v20111101 flags from `supported_products` (MX's query enum also says `history`). */
function flagsFromProducts(raw: unknown): unknown {
  if (typeof raw !== 'object' || raw === null || !Array.isArray((raw as { supported_products?: unknown }).supported_products)) return raw;
  const products = new Set((raw as { supported_products: unknown[] }).supported_products);
  if (products.has('history')) products.add('transaction_history');
  const flags = Object.fromEntries(Object.entries(PRODUCT_FLAGS).map(([flag, product]) => [flag, products.has(product)]));
  return { ...raw, ...flags };
}

/** v20250224's member object has no skip_aggregation. */
function memberFields<T extends MemberOptionsBody>(member: T): Omit<T, 'skip_aggregation'> {
  const { skip_aggregation: _skip, ...rest } = member;
  return rest;
}

const unixStartOf = (day: string) => Date.parse(`${day}T00:00:00Z`) / 1000;

export const v20250224: MxVersion = {
  name: 'v20250224',
  jsonHeaders: { accept: 'application/json', 'accept-version': 'v20250224' },
  pdfHeaders: { accept: 'application/vnd.mx.api.v1+pdf', 'accept-version': 'v20250224' },
  createMemberBody: (member) => ({
    member: memberFields(member),
    data_request: { products: member.skip_aggregation ? [] : ['transactions'] },
  }),
  updateMemberBody: (member) => ({ member: memberFields(member) }),
  institutionQuery: (search) => ({ name: search.name, supported_products: search.supportsAccountStatement ? 'statements' : undefined }),
  transactionWindow: (window) => ({
    from_date: window.fromDate === undefined ? undefined : unixStartOf(window.fromDate),
    to_date: window.toDate === undefined ? undefined : unixStartOf(window.toDate) + DAY_SECONDS - 1,
  }),
  institution: z.preprocess(flagsFromProducts, institutionSchema),
};
