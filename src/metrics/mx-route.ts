// An MX path as a route template (`/users/{user_guid}/members/{member_guid}/status`): the label for MX
// request metrics. Only words of MX's API survive; every other segment becomes a placeholder, so guids,
// partner ids and institution codes never become label values, whatever path a caller builds.

/** A collection and the placeholder for the identifier that follows it. */
const COLLECTIONS: Readonly<Record<string, string>> = {
  users: '{user_guid}',
  members: '{member_guid}',
  accounts: '{account_guid}',
  transactions: '{transaction_guid}',
  statements: '{statement_guid}',
  institutions: '{institution_code}',
  challenges: '{challenge_guid}',
  credentials: '{credential_guid}',
};

/** Path words that name an action or a sub-resource, not an identifier. */
const ACTIONS = new Set(['status', 'resume', 'aggregate', 'fetch_statements', 'identify', 'verify', 'check_balance', 'extend_history']);

export function routeTemplate(path: string): string {
  const segments = path.split('?')[0]!.split('/').filter(Boolean);
  const out: string[] = [];
  let placeholder: string | undefined;
  for (const segment of segments) {
    if (placeholder === undefined && (segment in COLLECTIONS || ACTIONS.has(segment))) {
      out.push(segment);
      placeholder = COLLECTIONS[segment];
      continue;
    }
    const extension = /\.(pdf|json)$/.exec(segment)?.[0] ?? '';
    out.push(`${placeholder ?? '{id}'}${extension}`);
    placeholder = undefined;
  }
  return `/${out.join('/')}`;
}
