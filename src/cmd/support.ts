// Entry of `npm run support`: see src/support/cli/args.ts for the commands.
import { runSupportCli } from '../support/cli/main';

process.exitCode = await runSupportCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
});
