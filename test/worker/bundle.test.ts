// The worker loads the workflow code it is told to: the bundle at WORKFLOW_BUNDLE_PATH, never a guess.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { workflowBundle } from '../../src/worker/bundle';

describe('workflowBundle', () => {
  it('loads the bundle WORKFLOW_BUNDLE_PATH names', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'bundle-')), 'workflow-bundle.js');
    writeFileSync(path, '// a bundle');
    const config = loadConfig({ WORKFLOW_BUNDLE_PATH: path });
    expect(await workflowBundle(config.workflowBundlePath)).toEqual({ codePath: path });
  });

  it('refuses a path with no bundle, saying how to build one or bundle the sources', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'bundle-')), 'missing.js');
    await expect(workflowBundle(path)).rejects.toThrow(
      `WORKFLOW_BUNDLE_PATH names ${path}, which does not exist: build it with npm run build:workflow -- ${path}`,
    );
  });

  it('is unset by default: the worker bundles the sources', () => {
    expect(loadConfig({}).workflowBundlePath).toBeUndefined();
  });
});
