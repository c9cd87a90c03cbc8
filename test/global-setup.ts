// One real Temporal dev server and one workflow bundle for the whole test run.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { type DevServer, startDevServer } from '../src/temporal/dev-server';
import { freePort } from '../src/temporal/ports';
import { buildWorkflowBundle as buildProductionBundle, WORKFLOWS_PATH } from '../src/worker/bundle';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    /** Path of the prebuilt workflow bundle ('' until workflows/index.ts exists). */
    workflowBundlePath: string;
  }
}

let server: DevServer | undefined;
const tmpDir = resolve('.tmp', `test-${process.pid}`);

export async function setup(project: TestProject): Promise<void> {
  mkdirSync(tmpDir, { recursive: true });
  const [serverReady, bundlePath] = await Promise.all([
    startDevServer({ port: await freePort(), readyTimeoutMs: 120_000 }),
    buildWorkflowBundle(),
  ]);
  server = serverReady;
  project.provide('temporalAddress', server.address);
  project.provide('workflowBundlePath', bundlePath);
}

export async function teardown(): Promise<void> {
  await server?.stop();
  rmSync(tmpDir, { recursive: true, force: true });
}

async function buildWorkflowBundle(): Promise<string> {
  if (!existsSync(WORKFLOWS_PATH)) return '';
  // The worker's own bundle (with its workflow interceptors), so tests run what production runs.
  const { code } = await buildProductionBundle();
  const path = join(tmpDir, 'workflow-bundle.js');
  writeFileSync(path, code);
  return path;
}
