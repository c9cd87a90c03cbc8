// A stale build never runs: `node scripts/run.mjs <command>` (every npm script of a command) rebuilds
// dist/ when a source is newer, so an edit or a `git pull` takes effect at the next call. Checked on a
// copy of the project, edited between calls, so the repository's own build is left alone.
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { staleReason } from '../../scripts/build.mjs';

const run = promisify(execFile);
const SOURCES = ['src', 'workflows', 'activities', 'scripts', 'package.json', 'tsconfig.json'];

/** Dates every file and folder a minute back: whatever is saved from now on is newer than any build. */
function age(path: string, when: Date): void {
  utimesSync(path, when, when);
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    if (entry.isDirectory()) age(join(path, entry.name), when);
    else utimesSync(join(path, entry.name), when, when);
  }
}

describe('the build behind the npm scripts', () => {
  const root = mkdtempSync(join(tmpdir(), 'stale-build-'));
  for (const path of SOURCES) cpSync(path, join(root, path), { recursive: true });
  const minuteAgo = new Date(Date.now() - 60_000);
  for (const path of SOURCES) {
    if (path.includes('.')) utimesSync(join(root, path), minuteAgo, minuteAgo);
    else age(join(root, path), minuteAgo);
  }
  symlinkSync(resolve('node_modules'), join(root, 'node_modules'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const help = async (env: NodeJS.ProcessEnv = process.env) =>
    (await run(process.execPath, ['scripts/run.mjs', 'support', '--help'], { cwd: root, env, timeout: 60_000 })).stdout;
  const args = join(root, 'src/support/cli/args.ts');
  const edit = (from: string, to: string) => writeFileSync(args, readFileSync(args, 'utf8').replace(from, to));

  it('is made by the first call, then rebuilt when a source changes, and the change runs', { timeout: 120_000 }, async () => {
    expect(staleReason(root)).toBe('no build yet');
    expect(await help()).toContain('Start runs of the MX guide workflows');
    expect(staleReason(root)).toBeUndefined();

    edit('Start runs of the MX guide workflows', 'Edited help text');
    expect(staleReason(root)).toBe('sources changed since the last build');
    expect(await help()).toContain('Edited help text');
    expect(staleReason(root)).toBeUndefined();
  });

  it('counts an added and a removed source as a change (its folder changes)', { timeout: 60_000 }, async () => {
    const file = join(root, 'src/cmd/extra.ts');
    writeFileSync(file, 'export {};\n');
    expect(staleReason(root)).toBe('sources changed since the last build');
    await help();
    expect(staleReason(root)).toBeUndefined();
    unlinkSync(file);
    expect(staleReason(root)).toBe('sources changed since the last build');
    await help();
    expect(readdirSync(join(root, 'dist'))).not.toContain('extra.js');
  });

  it('runs dist/ as built under NODE_ENV=production', { timeout: 60_000 }, async () => {
    edit('Edited help text', 'Not built');
    expect(staleReason(root)).toBe('sources changed since the last build');
    expect(await help({ ...process.env, NODE_ENV: 'production' })).toContain('Edited help text');
    expect(staleReason(root)).toBe('sources changed since the last build');
  });
});
