// `npm run build`: compiles every command (src/cmd/<name>.ts) once into plain JavaScript (dist/<name>.js),
// so `npm run support -- …` and the containers start Node on JavaScript instead of transpiling TypeScript
// at every start. esbuild (the compiler tsx runs on, so dev and build behave alike) rather than tsc's emit:
// the sources import without file extensions (moduleResolution "bundler"), which Node cannot load as
// emitted; one bundle per command resolves them, and `npm run typecheck` stays tsc's job. npm packages
// stay external (node_modules is loaded as usual). Takes well under a second, so scripts/run.mjs can
// rebuild whenever a source is newer than the build (see there).
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const distDir = join(projectRoot, 'dist');
/** Written last by a build: its mtime is when the build's sources were read. */
export const stampPath = join(distDir, '.build-stamp');
/** What a build reads: a change to any file (or a file added or removed) under these makes it stale. */
export const SOURCE_PATHS = ['src', 'workflows', 'activities', 'scripts', 'package.json', 'tsconfig.json'];
const SOURCE_FILE = /\.(ts|mts|mjs|js|json)$/;

/** Newest mtime (ms) among the sources and their folders (a folder's mtime changes when a file is added or removed). */
export function newestSourceMtime(root = projectRoot) {
  let newest = 0;
  const visit = (path) => {
    let stat;
    try {
      stat = statSync(path);
    } catch {
      return;
    }
    newest = Math.max(newest, stat.mtimeMs);
    if (!stat.isDirectory()) return;
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      if (entry.isDirectory()) visit(join(path, entry.name));
      else if (SOURCE_FILE.test(entry.name)) newest = Math.max(newest, statSync(join(path, entry.name)).mtimeMs);
    }
  };
  for (const path of SOURCE_PATHS) visit(join(root, path));
  return newest;
}

/** Why the build cannot be run as it is, or undefined when it is current. */
export function staleReason(root = projectRoot) {
  let built;
  try {
    built = statSync(join(root, 'dist', '.build-stamp')).mtimeMs;
  } catch {
    return 'no build yet';
  }
  return newestSourceMtime(root) > built ? 'sources changed since the last build' : undefined;
}

/** The commands: every src/cmd/*.ts, each its own dist/<name>.js. */
export function commandNames(root = projectRoot) {
  return readdirSync(join(root, 'src', 'cmd'))
    .filter((name) => name.endsWith('.ts'))
    .map((name) => basename(name, '.ts'))
    .sort();
}

// scripts/*.mjs find the project from their own location (import.meta.url): they stay files of their own,
// imported from dist/ by a relative path, not copied into a bundle that lives elsewhere.
const scriptsStayExternal = {
  name: 'scripts-stay-external',
  setup(build) {
    build.onResolve({ filter: /scripts\/[\w-]+\.mjs$/ }, (args) => {
      const target = resolve(args.resolveDir, args.path);
      return { path: `./${relative(distDir, target)}`, external: true };
    });
  },
};

export async function build({ quiet = false } = {}) {
  const started = Date.now();
  const { build: esbuild } = await import('esbuild');
  // Read the clock before reading the sources: a file saved during the build is newer than the stamp.
  const stampTime = new Date();
  const names = commandNames();
  const result = await esbuild({
    absWorkingDir: projectRoot,
    entryPoints: Object.fromEntries(names.map((name) => [name, `src/cmd/${name}.ts`])),
    outdir: distDir,
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    // Code shared by commands, and what a command imports only when needed, in chunks beside them.
    splitting: true,
    chunkNames: 'chunk-[hash]',
    target: 'node20',
    sourcemap: 'linked',
    write: false,
    logLevel: 'warning',
    plugins: [scriptsStayExternal],
  });
  // Each file replaced by rename, so a command started during a build loads a whole file, old or new.
  mkdirSync(distDir, { recursive: true });
  // Chunks before the commands that import them.
  const files = [...result.outputFiles].sort(
    (a, b) => Number(!basename(a.path).startsWith('chunk-')) - Number(!basename(b.path).startsWith('chunk-')),
  );
  for (const file of files) {
    const temp = `${file.path}.${process.pid}.tmp`;
    writeFileSync(temp, file.contents);
    renameSync(temp, file.path);
  }
  const outputs = new Set(result.outputFiles.map((file) => basename(file.path)));
  for (const entry of readdirSync(distDir)) {
    if (/\.js(\.map)?$/.test(entry) && !outputs.has(entry)) rmSync(join(distDir, entry), { force: true });
  }
  writeFileSync(stampPath, `${JSON.stringify({ commands: names })}\n`);
  utimesSync(stampPath, stampTime, stampTime);
  if (!quiet) console.error(`Built ${names.length} commands into dist/ in ${Date.now() - started} ms.`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await build().catch((err) => {
    console.error(`Build failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
