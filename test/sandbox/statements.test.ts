/* eslint-disable @typescript-eslint/no-explicit-any -- wire JSON: the assertions check its shape */
// Statement PDFs: real PDFs (pdfinfo, pdftoppm), content_hash = SHA-256 of the bytes served, exact sizes,
// deterministic per seed, resumable with a byte range.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type Sandbox, type SandboxOptions, startSandbox } from '../../src/sandbox/server';
import { SandboxClient } from './helpers/client';

const sandboxes: Sandbox[] = [];
const dir = mkdtempSync(join(tmpdir(), 'sandbox-statements-'));
afterAll(async () => {
  await Promise.all(sandboxes.map((s) => s.close()));
  rmSync(dir, { recursive: true, force: true });
});

async function statementsOf(options: SandboxOptions) {
  const sandbox = await startSandbox({ port: 0, jobDurationMs: 20, ...options });
  sandboxes.push(sandbox);
  const client = new SandboxClient(sandbox.url);
  const user = await client.createUser('statements');
  const member = (await client.createMember(user, 'password', { skip_aggregation: true })).json.member.guid;
  await client.post(`/users/${user}/members/${member}/fetch_statements`);
  await client.settle(user, member);
  const statements = (await client.get(`/users/${user}/members/${member}/statements`)).json.statements;
  return { client, statements, path: `/users/${user}/members/${member}` };
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('statement PDFs', () => {
  it('are real PDFs whose content_hash is the SHA-256 of the bytes served', async () => {
    const { client, statements, path } = await statementsOf({ statementBytes: 300_000 });
    expect(statements).toHaveLength(15);
    for (const statement of statements.slice(0, 3)) {
      expect(statement.uri).toBe(`${path}/statements/${statement.guid}.pdf`);
      const pdf = await client.get(statement.uri);
      expect(pdf.contentType).toBe('application/vnd.mx.api.v1+pdf');
      expect(pdf.bytes.length).toBe(300_000);
      expect(sha256(pdf.bytes)).toBe(statement.content_hash);
      const file = join(dir, `${statement.guid}.pdf`);
      writeFileSync(file, pdf.bytes);
      const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
      expect(info).toMatch(/Pages:\s+1/);
      expect(info).toMatch(/Title:\s+MX Bank statement \d{4}-\d{2}/);
      execFileSync('pdftoppm', ['-r', '20', '-png', file, join(dir, statement.guid)]);
    }
    expect(readdirSync(dir).filter((f) => f.endsWith('.png'))).toHaveLength(3);
    expect(new Set(statements.map((s: any) => s.content_hash)).size).toBe(15);
  });

  it('are the same bytes for the same seed, different for another', async () => {
    const a = await statementsOf({ seed: 42 });
    const b = await statementsOf({ seed: 42 });
    const c = await statementsOf({ seed: 43 });
    expect(b.statements.map((s: any) => s.content_hash)).toEqual(a.statements.map((s: any) => s.content_hash));
    expect(c.statements[0].content_hash).not.toBe(a.statements[0].content_hash);
  });

  it('resume from a byte offset with Range', async () => {
    const { client, statements } = await statementsOf({ statementBytes: 100_000 });
    const whole = await client.get(statements[0].uri);
    const rest = await client.get(statements[0].uri, { headers: { range: 'bytes=40000-' } });
    expect(rest.status).toBe(206);
    expect(rest.headers.get('content-range')).toBe('bytes 40000-99999/100000');
    expect(Buffer.concat([whole.bytes.subarray(0, 40000), rest.bytes]).equals(whole.bytes)).toBe(true);
    expect((await client.get(statements[0].uri, { headers: { range: 'bytes=100000-' } })).status).toBe(416);
  });

  it('read as JSON, and 404 for an unknown statement', async () => {
    const { client, statements, path } = await statementsOf({});
    const read = await client.get(`${path}/statements/${statements[0].guid}`);
    expect(read.json.statement).toEqual(statements[0]);
    expect((await client.get(`${path}/statements/STA-nope.pdf`)).status).toBe(404);
  });
});
