// A background aggregation MX ran by itself (AGGREGATION with is_background) means new data for a member
// this project keeps. The receiver records it durably, one JSON line per event, before it answers MX
// (nothing is lost, and the file says which members have new data waiting), and triggers the member's
// refresh schedule when it has one (refresh-trigger.ts).
import { appendFile, mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { MxWebhook } from './payload';

export class BackgroundAggregationLog {
  constructor(readonly file: string) {}

  async record(webhook: MxWebhook, receivedAt: Date): Promise<void> {
    const line = JSON.stringify({
      receivedAt: receivedAt.toISOString(),
      memberGuid: webhook.member_guid,
      userGuid: webhook.user_guid ?? null,
      jobGuid: webhook.job_guid ?? null,
      completedAt: webhook.completed_at ?? null,
      transactionsCreated: webhook.transactions_created_count ?? null,
      transactionsUpdated: webhook.transactions_updated_count ?? null,
    });
    await mkdir(dirname(this.file), { recursive: true });
    await appendFile(this.file, `${line}\n`, { mode: 0o600 });
    const handle = await open(this.file, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }
}
