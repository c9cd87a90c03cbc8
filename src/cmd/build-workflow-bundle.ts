// `npm run build:workflow`: prebuilds the workflow bundle the worker loads at start (instead of bundling
// the sources each time). The worker ignores it once a workflow source file is newer.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { buildWorkflowBundle, DEFAULT_BUNDLE_PATH } from '../worker/bundle';

const path = process.argv[2] ?? DEFAULT_BUNDLE_PATH;
const { code } = await buildWorkflowBundle();
mkdirSync(dirname(path), { recursive: true });
writeFileSync(path, code);
console.log(`Workflow bundle written to ${relative(process.cwd(), path) || path} (${(code.length / 1e6).toFixed(1)} MB).`);
