// Where the workflow code comes from, said explicitly: the bundle at WORKFLOW_BUNDLE_PATH when it is set
// (`npm run build:workflow` writes it; the Dockerfile builds one into the image), else the sources,
// bundled at worker start (a few seconds) with webpack's report silenced so the worker's output stays
// readable. No guessing from file times: a deployment knows which code it runs. The worker built into
// dist/ bundles the same sources: the workflow bundle is webpack's, made for Temporal's sandbox, not ours.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { projectRoot } from '../../scripts/temporal-cli.mjs';

/** Found from the project's own location, so the worker from src/ or from dist/ finds it whatever the working directory. */
export const WORKFLOWS_PATH = join(projectRoot, 'workflows/index.ts');
/** Workflow interceptors bundled with the workflows: the metrics' workflow half (src/metrics/workflow-sinks.ts). */
export const WORKFLOW_INTERCEPTOR_MODULES = [join(projectRoot, 'workflows/metrics-interceptor.ts')];
/** Where `npm run build:workflow` writes when given no path. */
export const DEFAULT_BUNDLE_PATH = resolve('.data/workflow-bundle.js');

export type WorkflowBundle = { codePath: string } | { code: string };

export async function workflowBundle(bundlePath: string | undefined): Promise<WorkflowBundle> {
  if (bundlePath === undefined) return { code: (await buildWorkflowBundle()).code };
  if (!existsSync(bundlePath)) {
    throw new Error(
      `WORKFLOW_BUNDLE_PATH names ${bundlePath}, which does not exist: build it with npm run build:workflow -- ${bundlePath}, or unset WORKFLOW_BUNDLE_PATH to bundle the sources.`,
    );
  }
  return { codePath: bundlePath };
}

export async function buildWorkflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  return await bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    workflowInterceptorModules: WORKFLOW_INTERCEPTOR_MODULES,
    logger: quietLogger,
  });
}

const noop = () => undefined;
const quietLogger = { log: noop, trace: noop, debug: noop, info: noop, warn: console.warn, error: console.error };
