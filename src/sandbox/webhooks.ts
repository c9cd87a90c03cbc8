// MX-shaped webhooks (CONNECTION_STATUS, AGGREGATION, STATEMENT, as MX documents them), posted to one URL. Delivery is best effort, as a sandbox can afford:
// a failed POST is reported through `onError` and not retried.
import type { SandboxEvent } from './lifecycle';
import { STATUS_MESSAGES } from './mx-bank';
import type { ClientStore } from './store';

/** MX's numeric connection status ids (connect-widget Statuses.js). */
const STATUS_IDS: Record<string, number> = {
  CREATED: 0, PREVENTED: 1, DENIED: 2, CHALLENGED: 3, REJECTED: 4, LOCKED: 5, CONNECTED: 6, IMPEDED: 7,
  RECONNECTED: 8, DEGRADED: 9, DISCONNECTED: 10, DISCONTINUED: 11, CLOSED: 12, DELAYED: 13, FAILED: 14,
  UPDATED: 15, DISABLED: 16, IMPORTED: 17, RESUMED: 18, EXPIRED: 19, IMPAIRED: 20, PENDING: 21,
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

export class WebhookSender {
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly url: string,
    private readonly onError: (error: unknown) => void,
  ) {}

  send(payload: Record<string, unknown>): void {
    const delivery = fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(payload),
      signal: AbortSignal.timeout(5000),
    })
      .then(async (response) => {
        await response.body?.cancel();
        if (!response.ok) throw new Error(`webhook POST answered ${response.status}`);
      })
      .catch(this.onError)
      .finally(() => this.inFlight.delete(delivery));
    this.inFlight.add(delivery);
  }

  async drain(): Promise<void> {
    await Promise.all([...this.inFlight]);
  }
}
