// `node scripts/run.mjs <command> [args…]`: runs the built command dist/<command>.js (scripts/build.mjs).
// Every npm script of a long-running process or CLI goes through here, one line each in package.json:
//   "support": "node scripts/run.mjs support"      (src/cmd/support.ts)
// A stale build never runs silently: outside production, a source newer than the build (a `git pull`, an
// edit) rebuilds it first, in well under a second; checking costs a few milliseconds. With
// NODE_ENV=production (the Docker image) dist/ runs as built: a deployment knows which code it runs.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, distDir, staleReason } from './build.mjs';

const name = process.argv[2];
if (!name || !/^[\w-]+$/.test(name)) {
  console.error('Usage: node scripts/run.mjs <command> [args…], where <command> is a file name in src/cmd without .ts');
  process.exit(2);
}
const entry = join(distDir, `${name}.js`);
const production = process.env.NODE_ENV === 'production';
if (!production && (staleReason() !== undefined || !existsSync(entry))) {
  await build({ quiet: true }).catch((err) => {
    console.error(`Build failed (npm run build shows why): ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
if (!existsSync(entry)) {
  console.error(`${entry} does not exist: there is no src/cmd/${name}.ts, or the build is missing (npm run build).`);
  process.exit(2);
}
// The command sees its own arguments at process.argv.slice(2), as when it runs under tsx.
process.argv.splice(1, 2, entry);
process.setSourceMapsEnabled(true);
await import(pathToFileURL(entry).href);
