// Where the workflow code comes from: a prebuilt bundle (`npm run build:workflow`) when it is at least as
// new as every workflow source file, else the sources, bundled at worker start (a few seconds) with
// webpack's report silenced so the worker's output stays readable.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';

export const WORKFLOWS_PATH = resolve('workflows/index.ts');
export const DEFAULT_BUNDLE_PATH = resolve('.data/workflow-bundle.js');

/** Files whose change makes a prebuilt bundle stale: workflow code and the contracts it imports. */
const SOURCES = [resolve('workflows'), resolve('activities/types.ts'), resolve('src/mx/error-types.ts')];

export type WorkflowBundle = { codePath: string } | { code: string };

export async function workflowBundle(bundlePath = DEFAULT_BUNDLE_PATH): Promise<WorkflowBundle> {
  if (existsSync(bundlePath) && statSync(bundlePath).mtimeMs >= newestSourceMtime()) return { codePath: bundlePath };
  const { code } = await buildWorkflowBundle();
  return { code };
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
