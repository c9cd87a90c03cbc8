// `npm run build:workflow [path]`: prebuilds the workflow bundle, so a worker started with
// WORKFLOW_BUNDLE_PATH=<path> loads it instead of bundling the sources each time.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { buildWorkflowBundle, DEFAULT_BUNDLE_PATH } from '../worker/bundle';

const path = process.argv[2] ?? DEFAULT_BUNDLE_PATH;
const { code } = await buildWorkflowBundle();
mkdirSync(dirname(path), { recursive: true });
writeFileSync(path, code);
console.log(`Workflow bundle written to ${relative(process.cwd(), path) || path} (${(code.length / 1e6).toFixed(1)} MB).`);
