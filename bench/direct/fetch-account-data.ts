// The guide "Fetch Account and Transaction Data" as a user hand-writes it: the same MX calls as the
// fetchAccountData workflow, in the guide's order, sequential, plain fetch, no Temporal, writing the same
// NDJSON files. bench/guide-overhead.ts times it against the workflow.
// Alone: MX_BASE_URL=http://127.0.0.1:8091 npx tsx bench/direct/fetch-account-data.ts <user-id> <out-dir>
//   (with `npm run sandbox` running; MX_CLIENT_ID / MX_API_KEY default to the sandbox's).
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { pathToFileURL } from 'node:url';
import { SANDBOX_API_KEY, SANDBOX_CLIENT_ID } from '../../src/config';
import { allPages, createUserAndMember, plainMx, type PlainMxOptions, waitForJob } from '../lib/plain-mx';

const DAY_MS = 86_400_000;

export async function fetchAccountDataDirect(
  options: PlainMxOptions & { userId: string; outDir: string },
): Promise<{ accounts: number; transactions: number }> {
  const mx = plainMx(options);
  const credentials = { username: 'mxuser', password: 'password' };
  const { userGuid, memberGuid } = await createUserAndMember(mx, { userId: options.userId, institutionCode: 'mxbank', credentials });
  await waitForJob(mx, userGuid, memberGuid); // creating the member started the aggregation
  const accounts = await allPages<{ guid: string }>(mx, `/users/${userGuid}/members/${memberGuid}/accounts`, 'accounts');
  await mkdir(options.outDir, { recursive: true });
  await writeNdjson(join(options.outDir, 'accounts.ndjson'), accounts);
  const to = new Date().toISOString().slice(0, 10);
  const from = new Date(Date.parse(to) - 90 * DAY_MS).toISOString().slice(0, 10);
  const out = createWriteStream(join(options.outDir, 'transactions.ndjson'));
  let transactions = 0;
  for (const account of accounts) {
    const path = `/users/${userGuid}/accounts/${account.guid}/transactions`;
    for (const transaction of await allPages(mx, path, 'transactions', { from_date: from, to_date: to })) {
      out.write(`${JSON.stringify(transaction)}\n`);
      transactions++;
    }
  }
  out.end();
  await finished(out);
  return { accounts: accounts.length, transactions };
}

async function writeNdjson(file: string, records: unknown[]): Promise<void> {
  const out = createWriteStream(file);
  for (const record of records) out.write(`${JSON.stringify(record)}\n`);
  out.end();
  await finished(out);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [userId, outDir] = process.argv.slice(2);
  if (!userId || !outDir || !process.env.MX_BASE_URL) {
    console.error('Usage: MX_BASE_URL=<url> npx tsx bench/direct/fetch-account-data.ts <user-id> <out-dir>');
    process.exit(2);
  }
  const started = Date.now();
  const result = await fetchAccountDataDirect({
    baseUrl: process.env.MX_BASE_URL,
    clientId: process.env.MX_CLIENT_ID ?? SANDBOX_CLIENT_ID,
    apiKey: process.env.MX_API_KEY ?? SANDBOX_API_KEY,
    userId,
    outDir,
  });
  console.log(`${result.accounts} accounts, ${result.transactions} transactions in ${Date.now() - started} ms`);
}
