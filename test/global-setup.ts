// One real Temporal dev server and one workflow bundle for the whole test run.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { bundleWorkflowCode } from '@temporalio/worker';
import { type DevServer, startDevServer } from '../src/temporal/dev-server';
import { freePort } from '../src/temporal/ports';

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
  const workflowsPath = resolve('workflows/index.ts');
  if (!existsSync(workflowsPath)) return '';
  const { code } = await bundleWorkflowCode({ workflowsPath, logger: quietLogger });
  const path = join(tmpDir, 'workflow-bundle.js');
  writeFileSync(path, code);
  return path;
}

const noop = () => undefined;
const quietLogger = { log: noop, trace: noop, debug: noop, info: noop, warn: console.warn, error: console.error };
