// Response shapes of MX Platform API v20111101, written from the OpenAPI document (mx/v20111101.yml).
// Objects are loose: MX adds fields over time and they must pass through untouched. Fields the spec
// marks nullable also accept "absent" (MX omits some, e.g. has_processed_* on status). Only the
// identifiers the client relies on are required. Spec mistakes are corrected here (src/mx/openapi/README.md lists them).
import { z } from 'zod';

const str = z.string().nullish();
const bool = z.boolean().nullish();
const num = z.number().nullish();
const int = z.number().int().nullish();

export const paginationSchema = z.looseObject({
  current_page: z.number().int(),
  per_page: z.number().int(),
  total_entries: z.number().int(),
  total_pages: z.number().int(),
});

export const userSchema = z.looseObject({
  guid: z.string(),
  id: str,
  email: str,
  is_disabled: bool,
  metadata: str,
});

export const institutionSchema = z.looseObject({
  code: z.string(),
  name: str,
  url: str,
  forgot_password_url: str,
  forgot_username_url: str,
  trouble_signing_in_url: str,
  instructional_text: str,
  instructional_text_steps: z.array(z.string()).nullish(),
  is_disabled_by_client: bool,
  iso_country_code: str,
  medium_logo_url: str,
  small_logo_url: str,
  supports_account_identification: bool,
  supports_account_statement: bool,
  supports_account_verification: bool,
  supports_oauth: bool,
  supports_tax_document: bool,
  supports_transaction_history: bool,
});

export const credentialSchema = z.looseObject({
  guid: z.string(),
  display_order: int,
  field_name: str,
  field_type: str,
  label: str,
  type: str,
});

export const memberSchema = z.looseObject({
  guid: z.string(),
  aggregated_at: str,
  background_aggregation_is_disabled: bool,
  connection_status: str,
  connection_status_message: str,
  id: str,
  institution_code: str,
  institution_guid: str,
  is_being_aggregated: bool,
  is_managed_by_user: bool,
  is_manual: bool,
  is_oauth: bool,
  metadata: str,
  most_recent_job_detail_code: int,
  // The spec types these two as boolean; MX sends a string (JOB-…) or null.
  most_recent_job_detail_text: z.union([z.string(), z.boolean()]).nullish(),
  most_recent_job_guid: z.union([z.string(), z.boolean()]).nullish(),
  name: str,
  needs_updated_credentials: bool,
  oauth_window_uri: str,
  successfully_aggregated_at: str,
  use_cases: z.array(z.string()).nullish(),
  user_guid: str,
  user_id: str,
});

// MX's internal numeric challenge types (connect-widget CredentialTypes); some MX examples show them.
const NUMERIC_CHALLENGE_TYPES: Record<number, string> = {
  0: 'TEXT',
  2: 'OPTIONS',
  12: 'TOKEN',
  13: 'IMAGE_DATA',
  14: 'IMAGE_OPTIONS',
};

const challengeType = z
  .union([z.string(), z.number()])
  .nullish()
  .transform((type) => (typeof type === 'number' ? (NUMERIC_CHALLENGE_TYPES[type] ?? String(type)) : (type ?? null)));

export const challengeSchema = z.looseObject({
  guid: z.string(),
  label: str,
  field_name: str,
  type: challengeType,
  image_data: str,
  options: z.array(z.looseObject({ guid: str, label: str, value: str })).nullish(),
  image_options: z.array(z.looseObject({ guid: str, label: str, value: str, data_uri: str })).nullish(),
});

export const memberStatusSchema = z.looseObject({
  guid: z.string(),
  aggregated_at: str,
  challenges: z.array(challengeSchema).nullish(),
  connection_status: str,
  has_processed_account_numbers: bool,
  has_processed_accounts: bool,
  has_processed_transactions: bool,
  is_authenticated: bool,
  is_being_aggregated: bool,
  successfully_aggregated_at: str,
});

// Accounts carry ~150 fields (feed_*, *_set_by…); the ones the guides talk about are typed, the rest pass through.
export const accountSchema = z.looseObject({
  guid: z.string(),
  id: str,
  member_guid: str,
  user_guid: str,
  institution_code: str,
  name: str,
  nickname: str,
  type: str,
  subtype: str,
  account_number: str,
  balance: num,
  available_balance: num,
  credit_limit: num,
  currency_code: str,
  is_closed: bool,
  is_hidden: bool,
  is_manual: bool,
  created_at: str,
  updated_at: str,
});

export const transactionSchema = z.looseObject({
  guid: z.string(),
  id: str,
  account_guid: str,
  member_guid: str,
  user_guid: str,
  amount: num,
  type: str,
  status: str,
  date: str,
  transacted_at: str,
  posted_at: str,
  description: str,
  original_description: str,
  memo: str,
  category: str,
  top_level_category: str,
  currency_code: str,
  merchant_category_code: int,
  created_at: str,
  updated_at: str,
});

export const statementSchema = z.looseObject({
  guid: z.string(),
  account_guid: str,
  content_hash: str,
  created_at: str,
  member_guid: str,
  updated_at: str,
  uri: str,
  user_guid: str,
});

/** `{"<key>": {...}}` */
export function envelope<K extends string, T extends z.ZodType>(key: K, item: T) {
  return z.looseObject({ [key]: item } as { [P in K]: T });
}

/** `{"<key>": [...], "pagination": {...}}` */
export function listEnvelope<K extends string, T extends z.ZodType>(key: K, item: T) {
  return z.looseObject({ [key]: z.array(item), pagination: paginationSchema } as { [P in K]: z.ZodArray<T> } & {
    pagination: typeof paginationSchema;
  });
}

/**
 * A record of a page the export stores as MX sent it: only what the export relies on is checked (the
 * guid; an account's name and type, which its result carries). Every other field passes untouched, in
 * MX's order, so the NDJSON line is MX's record and the page costs one pass, not a schema per record.
 */
export type MxPageRecord = { guid: string } & Record<string, unknown>;
export type MxAccountRecord = MxPageRecord & { name?: string | null; type?: string | null };
export type MxTransactionRecord = MxPageRecord;

/**
 * `{"<key>": [...], "pagination": {...}}` checked in bulk (issue 15's P4): the envelope and its
 * pagination as listEnvelope does, then one cheap loop over the records checking that each is an object
 * with a string `guid` and that `nullableStrings` are strings, null or absent. The first bad record fails
 * the page, named by its index and field (e.g. "transactions.412.guid"), as MxProtocolError.
 */
export function bulkListEnvelope<K extends string, T extends MxPageRecord>(key: K, nullableStrings: readonly string[] = []) {
  return z.custom<{ [P in K]: T[] } & { pagination: Pagination }>().superRefine((body, ctx) => {
    const fail = (message: string, path: PropertyKey[]) => ctx.addIssue({ code: 'custom', message, path });
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return fail('expected an object', []);
    const pagination = paginationSchema.safeParse((body as Record<string, unknown>).pagination);
    if (!pagination.success) {
      const issue = pagination.error.issues[0]!;
      return fail(issue.message, ['pagination', ...issue.path]);
    }
    const records: unknown = (body as Record<string, unknown>)[key];
    if (!Array.isArray(records)) return fail(`expected an array of ${key}`, [key]);
    for (let index = 0; index < records.length; index++) {
      const record: unknown = records[index];
      if (typeof record !== 'object' || record === null || Array.isArray(record)) return fail('expected an object', [key, index]);
      const fields = record as Record<string, unknown>;
      if (typeof fields.guid !== 'string') return fail(`expected a string, got ${kind(fields.guid)}`, [key, index, 'guid']);
      for (const field of nullableStrings) {
        const value = fields[field];
        if (value !== undefined && value !== null && typeof value !== 'string') {
          return fail(`expected a string or null, got ${kind(value)}`, [key, index, field]);
        }
      }
    }
  });
}

/** What a value is, for an error message: never the value itself (it may be a customer's data). */
function kind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return value === undefined ? 'nothing' : typeof value;
}

export type Pagination = z.infer<typeof paginationSchema>;
export type MxUser = z.infer<typeof userSchema>;
export type MxInstitution = z.infer<typeof institutionSchema>;
export type MxCredential = z.infer<typeof credentialSchema>;
export type MxMember = z.infer<typeof memberSchema>;
export type MxMemberStatus = z.infer<typeof memberStatusSchema>;
export type MxChallenge = z.infer<typeof challengeSchema>;
export type MxAccount = z.infer<typeof accountSchema>;
export type MxTransaction = z.infer<typeof transactionSchema>;
export type MxStatement = z.infer<typeof statementSchema>;
