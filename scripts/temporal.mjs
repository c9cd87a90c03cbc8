// `npm run temporal -- <args>`: the project's Temporal CLI, without a global install.
import { spawn } from 'node:child_process';
import { requireTemporalCli } from './temporal-cli.mjs';

let cli;
try {
  cli = requireTemporalCli();
} catch (err) {
  console.error(err.message);
  process.exit(1);
}
const child = spawn(cli, process.argv.slice(2), { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
