// Where the workflow code comes from: a prebuilt bundle (`npm run build:workflow`) when it is at least as
// new as every workflow source file, else the sources themselves (bundled at worker start, ~10 s).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';

export const WORKFLOWS_PATH = resolve('workflows/index.ts');
export const DEFAULT_BUNDLE_PATH = resolve('.data/workflow-bundle.js');

/** Files whose change makes a prebuilt bundle stale: workflow code and the contracts it imports. */
const SOURCES = [resolve('workflows'), resolve('activities/types.ts'), resolve('src/mx/error-types.ts')];

export type WorkflowCode = { workflowBundle: { codePath: string } } | { workflowsPath: string };

export function workflowCode(bundlePath = DEFAULT_BUNDLE_PATH): WorkflowCode {
  if (existsSync(bundlePath) && statSync(bundlePath).mtimeMs >= newestSourceMtime()) {
    return { workflowBundle: { codePath: bundlePath } };
  }
  return { workflowsPath: WORKFLOWS_PATH };
}

export async function buildWorkflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  return await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietLogger });
}

function newestSourceMtime(): number {
  return Math.max(...SOURCES.flatMap((path) => mtimes(path)));
}

function mtimes(path: string): number[] {
  if (!existsSync(path)) return [0];
  const info = statSync(path);
  if (!info.isDirectory()) return [info.mtimeMs];
  return readdirSync(path).flatMap((name) => mtimes(join(path, name)));
}

const noop = () => undefined;
const quietLogger = { log: noop, trace: noop, debug: noop, info: noop, warn: console.warn, error: console.error };
