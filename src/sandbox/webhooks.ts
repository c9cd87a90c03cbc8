// MX-shaped webhooks (CONNECTION_STATUS, AGGREGATION, STATEMENT, as MX documents them), posted to one URL
// as MX does: HTTP Basic auth when configured, the member's X-CALLBACK-PAYLOAD header, and retries of a POST
// that got no 2xx (a few, seconds apart, where MX spreads 12 over a day). Still best effort: a sandbox that
// closes drops what it has not delivered; each failed attempt is reported through `onError`.
import type { SandboxEvent } from './lifecycle';
import { STATUS_MESSAGES } from './mx-bank';
import type { ClientStore } from './store';

/** MX's numeric connection status ids (connect-widget Statuses.js). */
const STATUS_IDS: Record<string, number> = {
  CREATED: 0,
  PREVENTED: 1,
  DENIED: 2,
  CHALLENGED: 3,
  REJECTED: 4,
  LOCKED: 5,
  CONNECTED: 6,
  IMPEDED: 7,
  RECONNECTED: 8,
  DEGRADED: 9,
  DISCONNECTED: 10,
  DISCONTINUED: 11,
  CLOSED: 12,
  DELAYED: 13,
  FAILED: 14,
  UPDATED: 15,
  DISABLED: 16,
  IMPORTED: 17,
  RESUMED: 18,
  EXPIRED: 19,
  IMPAIRED: 20,
  PENDING: 21,
};

export function webhookPayload(event: SandboxEvent, store: ClientStore): Record<string, unknown> {
  const member = event.member;
  const userId = store.users.get(member.userGuid)?.id ?? null;
  if (event.type === 'CONNECTION_STATUS') {
    return {
      action: 'CHANGED',
      connection_status: member.connectionStatus,
      connection_status_id: STATUS_IDS[member.connectionStatus] ?? null,
      connection_status_message: STATUS_MESSAGES[member.connectionStatus] ?? null,
      member_guid: member.guid,
      type: 'CONNECTION_STATUS',
      user_guid: member.userGuid,
      user_id: userId,
    };
  }
  const counts =
    event.type === 'STATEMENT'
      ? { statements_created_count: event.createdCount }
      : { transactions_created_count: event.createdCount, transactions_updated_count: 0 };
  return {
    action: 'member_data_updated',
    completed_at: Math.floor(event.at / 1000),
    completed_on: new Date(event.at).toISOString().slice(0, 10),
    is_background: false,
    job_guid: event.jobGuid,
    member_guid: member.guid,
    ...counts,
    type: event.type,
    user_guid: member.userGuid,
    user_id: userId,
  };
}

/** The request headers MX adds to a member's webhook: the member's X-CALLBACK-PAYLOAD, when one was set. */
export function webhookHeaders(event: SandboxEvent): Record<string, string> {
  return event.member.callbackPayload ? { 'x-callback-payload': event.member.callbackPayload } : {};
}

export interface WebhookAuth {
  username: string;
  password: string;
}

/** MX retries a webhook that got no 2xx up to 12 times over a day; the sandbox does the same, sooner. */
export const WEBHOOK_RETRY_DELAYS_MS = [1_000, 2_000, 4_000, 8_000, 16_000];

export class WebhookSender {
  private readonly inFlight = new Set<Promise<void>>();
  private readonly closing = new AbortController();
  private readonly authorization: string | undefined;

  constructor(
    private readonly url: string,
    private readonly onError: (error: unknown) => void,
    auth?: WebhookAuth,
    private readonly retryDelaysMs: readonly number[] = WEBHOOK_RETRY_DELAYS_MS,
  ) {
    // HTTP Basic, as MX authenticates to a webhook endpoint configured with a username and password.
    this.authorization = auth ? `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}` : undefined;
  }

  send(payload: Record<string, unknown>, headers: Record<string, string> = {}): void {
    const delivery = this.deliver(JSON.stringify(payload), headers)
      .catch(this.onError)
      .finally(() => this.inFlight.delete(delivery));
    this.inFlight.add(delivery);
  }

  /** Ends pending retries (close() must not wait for them), then waits for deliveries on the wire. */
  async drain(): Promise<void> {
    this.closing.abort();
    await Promise.all([...this.inFlight]);
  }

  private async deliver(body: string, headers: Record<string, string>): Promise<void> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        await this.post(body, headers);
        return;
      } catch (error) {
        const delay = this.retryDelaysMs[attempt];
        if (delay === undefined || this.closing.signal.aborted) throw error;
        this.onError(error);
        if (!(await pause(delay, this.closing.signal))) throw error;
      }
    }
  }

  private async post(body: string, headers: Record<string, string>): Promise<void> {
    const response = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers, ...(this.authorization ? { authorization: this.authorization } : {}) },
      body,
      signal: AbortSignal.timeout(5000),
    });
    await response.body?.cancel();
    if (!response.ok) throw new Error(`webhook POST answered ${response.status}`);
  }
}

/** Resolves true after `ms`, or false at once when `signal` aborts. */
function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', stop);
      resolve(true);
    }, ms);
    const stop = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', stop, { once: true });
  });
}
