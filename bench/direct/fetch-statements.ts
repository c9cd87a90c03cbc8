// The guide "Fetch Statements" as a user hand-writes it: the same MX calls as the fetchStatements
// workflow, in the guide's order, plain fetch, no Temporal: create the member with skip_aggregation, start
// the statements job, poll, list the statements, download the PDFs four at a time (the workflow's
// statements.concurrency default), each streamed to a file and checked against MX's content_hash.
// bench/guide-overhead.ts times it against the workflow.
// Alone: MX_BASE_URL=http://127.0.0.1:8091 npx tsx bench/direct/fetch-statements.ts <user-id> <out-dir>
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { pathToFileURL } from 'node:url';
import { SANDBOX_API_KEY, SANDBOX_CLIENT_ID } from '../../src/config';
import { allPages, createUserAndMember, plainMx, type PlainMx, type PlainMxOptions, waitForJob } from '../lib/plain-mx';

/** workflows/input.ts: statements.concurrency defaults to 4. */
const CONCURRENCY = 4;

interface Statement {
  guid: string;
  account_guid: string;
  content_hash: string;
}

export async function fetchStatementsDirect(
  options: PlainMxOptions & { userId: string; outDir: string },
): Promise<{ statements: number; bytes: number }> {
  const mx = plainMx(options);
  const credentials = { username: 'mxuser', password: 'password' };
  const { userGuid, memberGuid } = await createUserAndMember(mx, {
    userId: options.userId,
    institutionCode: 'mxbank',
    credentials,
    skipAggregation: true,
  });
  const memberPath = `/users/${userGuid}/members/${memberGuid}`;
  await mx.post(`${memberPath}/fetch_statements`);
  await waitForJob(mx, userGuid, memberGuid);
  const statements = await allPages<Statement>(mx, `${memberPath}/statements`, 'statements');
  await mkdir(options.outDir, { recursive: true });
  let next = 0;
  let bytes = 0;
  const lane = async () => {
    while (next < statements.length) {
      const statement = statements[next++]!;
      bytes += await download(
        mx,
        `${memberPath}/statements/${statement.guid}.pdf`,
        join(options.outDir, `${statement.guid}.pdf`),
        statement,
      );
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, statements.length) }, lane));
  return { statements: statements.length, bytes };
}

async function download(mx: PlainMx, path: string, file: string, statement: Statement): Promise<number> {
  const response = await mx.pdf(path);
  const hash = createHash('sha256');
  let bytes = 0;
  const hashing = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  await pipeline(Readable.fromWeb(response.body as WebReadableStream), hashing, createWriteStream(file));
  const sha256 = hash.digest('hex');
  if (sha256 !== statement.content_hash.toLowerCase())
    throw new Error(`statement ${statement.guid}: SHA-256 ${sha256} is not its content_hash`);
  return bytes;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [userId, outDir] = process.argv.slice(2);
  if (!userId || !outDir || !process.env.MX_BASE_URL) {
    console.error('Usage: MX_BASE_URL=<url> npx tsx bench/direct/fetch-statements.ts <user-id> <out-dir>');
    process.exit(2);
  }
  const started = Date.now();
  const result = await fetchStatementsDirect({
    baseUrl: process.env.MX_BASE_URL,
    clientId: process.env.MX_CLIENT_ID ?? SANDBOX_CLIENT_ID,
    apiKey: process.env.MX_API_KEY ?? SANDBOX_API_KEY,
    userId,
    outDir,
  });
  console.log(`${result.statements} statements, ${result.bytes} bytes in ${Date.now() - started} ms`);
}
