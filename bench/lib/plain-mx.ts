// The few lines a hand-written MX script starts with: Basic auth, MX's version headers and JSON, over
// plain fetch (Node's built-in client, which keeps connections alive). No retries, no validation beyond
// what the script reads: the baseline the guides are measured against (bench/direct/).
import { setTimeout as sleep } from 'node:timers/promises';

export interface PlainMx {
  get<T>(path: string, query?: Record<string, string | number | boolean>): Promise<T>;
  post<T>(path: string, body?: unknown): Promise<T>;
  /** The binary GET of a statement PDF. */
  pdf(path: string): Promise<Response>;
}

export interface PlainMxOptions {
  baseUrl: string;
  clientId: string;
  apiKey: string;
}

export function plainMx({ baseUrl, clientId, apiKey }: PlainMxOptions): PlainMx {
  const authorization = `Basic ${Buffer.from(`${clientId}:${apiKey}`).toString('base64')}`;
  const base = baseUrl.replace(/\/$/, '');
  const call = async <T>(method: string, path: string, body?: unknown, query?: Record<string, string | number | boolean>) => {
    const url = new URL(base + path);
    for (const [k, v] of Object.entries(query ?? {})) url.searchParams.set(k, String(v));
    const response = await fetch(url, {
      method,
      headers: {
        authorization,
        accept: 'application/vnd.mx.api.v1+json',
        'accept-version': 'v20111101',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${text.slice(0, 200)}`);
    return JSON.parse(text) as T;
  };
  return {
    get: (path, query) => call('GET', path, undefined, query),
    post: (path, body) => call('POST', path, body),
    async pdf(path) {
      const response = await fetch(base + path, {
        headers: { authorization, accept: 'application/vnd.mx.api.v1+pdf', 'accept-version': 'v20111101' },
      });
      if (!response.ok || !response.body) throw new Error(`GET ${path}: HTTP ${response.status}`);
      return response;
    },
  };
}

/** Every page of a list, 1000 records a page (MX's largest). */
export async function allPages<T>(mx: PlainMx, path: string, key: string, query: Record<string, string> = {}): Promise<T[]> {
  const items: T[] = [];
  for (let page = 1; ; page++) {
    const data = await mx.get<Record<string, unknown>>(path, { ...query, page, records_per_page: 1000 });
    items.push(...((data[key] as T[] | undefined) ?? []));
    const pagination = data.pagination as { total_pages?: number } | undefined;
    if (page >= (pagination?.total_pages ?? 1)) return items;
  }
}

/** The steps both guides share: create the user, read the institution and its credential fields, create the member. */
export async function createUserAndMember(
  mx: PlainMx,
  input: { userId: string; institutionCode: string; credentials: Record<string, string>; skipAggregation?: boolean },
): Promise<{ userGuid: string; memberGuid: string }> {
  const { user } = await mx.post<{ user: { guid: string } }>('/users', { user: { id: input.userId } });
  await mx.get(`/institutions/${input.institutionCode}`);
  const { credentials: fields } = await mx.get<{ credentials: { guid: string; label: string }[] }>(
    `/institutions/${input.institutionCode}/credentials`,
  );
  // The user's values are keyed by what the bank's form calls them ("Username", "Password").
  const credentials = fields.map((field) => ({ guid: field.guid, value: input.credentials[field.label.toLowerCase()] ?? '' }));
  const { member } = await mx.post<{ member: { guid: string } }>(`/users/${user.guid}/members`, {
    member: { institution_code: input.institutionCode, credentials, ...(input.skipAggregation ? { skip_aggregation: true } : {}) },
  });
  return { userGuid: user.guid, memberGuid: member.guid };
}

/**
 * Polls the member's status on the guides' default schedule (first after 3 s, then ×1.5 up to 30 s)
 * until its job is over; a script has nothing to answer MFA with, so anything but CONNECTED fails.
 */
export async function waitForJob(mx: PlainMx, userGuid: string, memberGuid: string): Promise<void> {
  for (let interval = 3000; ; interval = Math.min(interval * 1.5, 30_000)) {
    await sleep(interval);
    const { member } = await mx.get<{ member: { connection_status: string; is_being_aggregated: boolean } }>(
      `/users/${userGuid}/members/${memberGuid}/status`,
    );
    if (member.is_being_aggregated) continue;
    if (member.connection_status === 'CONNECTED') return;
    throw new Error(`member ${memberGuid} ended ${member.connection_status}`);
  }
}
