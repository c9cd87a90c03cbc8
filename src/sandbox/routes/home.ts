// `GET /` (no auth): what this server is and how to use MX Bank here.
import type { FastifyInstance } from 'fastify';
import { INSTITUTIONS, MX_BANK_PASSWORD_GUID, MX_BANK_USERNAME_GUID, supportedProducts } from '../institutions';
import { MEDIA_TYPES } from '../wire';
import { CHALLENGE_PASSWORDS, CORRECT_ANSWER, END_STATE_PASSWORDS, FOLLOW_UP_ANSWER, MX_BANK_USERNAME } from '../mx-bank';

export function registerHomeRoute(app: FastifyInstance, clientId: string): void {
  app.get('/', async () => ({
    name: 'MX Platform API sandbox (v20111101 and v20250224)',
    client_id: clientId,
    auth: 'HTTP Basic client_id:api_key',
    headers: Object.fromEntries(
      Object.entries(MEDIA_TYPES).map(([version, types]) => [
        version,
        { accept: types.json, accept_pdf: types.pdf, 'accept-version': version },
      ]),
    ),
    institutions: INSTITUTIONS.map((i) => ({
      code: i.code,
      name: i.name,
      supports_account_statement: i.supports_account_statement,
      supported_products: supportedProducts(i),
    })),
    mx_bank: {
      credentials: { username_guid: MX_BANK_USERNAME_GUID, password_guid: MX_BANK_PASSWORD_GUID },
      username: MX_BANK_USERNAME,
      other_usernames: 'DENIED',
      passwords: {
        'any other value (e.g. password)': 'CONNECTED',
        ...Object.fromEntries(Object.entries(CHALLENGE_PASSWORDS).map(([password, type]) => [password, `CHALLENGED (${type})`])),
        ...END_STATE_PASSWORDS,
      },
      mfa_answers: {
        [CORRECT_ANSWER]: 'CONNECTED',
        [FOLLOW_UP_ANSWER]: 'a follow-up challenge',
        'an end-state password (e.g. LOCKED)': 'that status',
        'anything else': 'REJECTED',
      },
    },
    sandbox_routes: {
      'GET /_sandbox/faults': 'current faults',
      'PUT /_sandbox/faults': '{"faults": {latencyMs, rateLimit, serverError, pdfCut, pdfBytesPerSecond}}',
      'PUT /_sandbox/challenge_label': '{"challenge_label": "text" | null}',
    },
  }));
}
