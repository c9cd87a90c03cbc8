// The sandbox's test institutions: MX Bank (with statements) and MXCU, which lacks statement support so
// that the "institution does not support statements" answer (400) can be exercised.
export interface CredentialField {
  guid: string;
  field_name: string;
  field_type: string;
  label: string;
  type: string;
  display_order: number;
}

export interface Institution {
  code: string;
  guid: string;
  name: string;
  url: string;
  supports_account_identification: boolean;
  supports_account_statement: boolean;
  supports_account_verification: boolean;
  supports_oauth: boolean;
  supports_tax_document: boolean;
  supports_transaction_history: boolean;
  credentials: CredentialField[];
}

export const MX_BANK_USERNAME_GUID = 'CRD-9f61fb4c-912c-bd1e-b175-ccc7f0275cc1';
export const MX_BANK_PASSWORD_GUID = 'CRD-e3d7ea81-aac7-05e9-fbdd-4b493c6e474d';

function usernameAndPassword(usernameGuid: string, passwordGuid: string): CredentialField[] {
  return [
    { guid: usernameGuid, field_name: 'LOGIN', field_type: 'TEXT', label: 'Username', type: 'LOGIN', display_order: 1 },
    { guid: passwordGuid, field_name: 'PASSWORD', field_type: 'PASSWORD', label: 'Password', type: 'PASSWORD', display_order: 2 },
  ];
}

export const INSTITUTIONS: readonly Institution[] = [
  {
    code: 'mxbank',
    guid: 'INS-1572a04c-912b-59bf-5841-332c7dfafaef',
    name: 'MX Bank',
    url: 'https://www.mx.com',
    supports_account_identification: true,
    supports_account_statement: true,
    supports_account_verification: true,
    supports_oauth: false,
    supports_tax_document: false,
    supports_transaction_history: true,
    credentials: usernameAndPassword(MX_BANK_USERNAME_GUID, MX_BANK_PASSWORD_GUID),
  },
  {
    code: 'mxcu',
    guid: 'INS-9d0e2f4a-3b1c-4e5d-8f6a-7b8c9d0e1f2a',
    name: 'MX Credit Union (no statements)',
    url: 'https://www.mx.com',
    supports_account_identification: false,
    supports_account_statement: false,
    supports_account_verification: false,
    supports_oauth: false,
    supports_tax_document: false,
    supports_transaction_history: false,
    credentials: usernameAndPassword('CRD-2b7d6f0e-5c4a-4b3e-9a1d-0c8e7f6a5b4c', 'CRD-8a3c5e7f-1d2b-4c6e-8f0a-2b4d6f8a0c1e'),
  },
];

export function findInstitution(code: string): Institution | undefined {
  return INSTITUTIONS.find((institution) => institution.code === code);
}

/** v20250224 also takes the institution's guid where v20111101 took its code. */
export function findInstitutionByIdentifier(identifier: string): Institution | undefined {
  return findInstitution(identifier) ?? INSTITUTIONS.find((institution) => institution.guid === identifier);
}

/** v20250224's products, each the successor of a v20111101 supports_* flag (aggregation: every institution). */
export const PRODUCTS = [
  'account_verification',
  'identity_verification',
  'transactions',
  'transaction_history',
  'statements',
  'investments',
  'rewards',
] as const;

export function supportedProducts(institution: Institution): string[] {
  const flags: [boolean, string][] = [
    [institution.supports_account_verification, 'account_verification'],
    [institution.supports_account_identification, 'identity_verification'],
    [true, 'transactions'],
    [institution.supports_transaction_history, 'transaction_history'],
    [institution.supports_account_statement, 'statements'],
  ];
  return flags.filter(([supported]) => supported).map(([, product]) => product);
}

/** The institution as v20250224's `InstitutionResponse`: `supported_products` instead of the supports_* flags. */
export function institutionViewV20250224(institution: Institution): Record<string, unknown> {
  const {
    supports_account_identification: _i,
    supports_account_statement: _s,
    supports_account_verification: _v,
    supports_transaction_history: _h,
    ...rest
  } = institutionView(institution);
  return { ...rest, guid: institution.guid, supported_products: supportedProducts(institution) };
}

/** The institution as v20111101's `InstitutionResponse`. */
export function institutionView(institution: Institution): Record<string, unknown> {
  return {
    code: institution.code,
    forgot_password_url: `${institution.url}/forgot-password`,
    forgot_username_url: `${institution.url}/forgot-username`,
    instructional_text: null,
    instructional_text_steps: null,
    is_disabled_by_client: false,
    iso_country_code: 'US',
    medium_logo_url: null,
    name: institution.name,
    small_logo_url: null,
    supports_account_identification: institution.supports_account_identification,
    supports_account_statement: institution.supports_account_statement,
    supports_account_verification: institution.supports_account_verification,
    supports_oauth: institution.supports_oauth,
    supports_tax_document: institution.supports_tax_document,
    supports_transaction_history: institution.supports_transaction_history,
    trouble_signing_in_url: `${institution.url}/login-trouble`,
    url: institution.url,
  };
}

export function credentialView(field: CredentialField): Record<string, unknown> {
  return { ...field };
}
