// Entry of `npm run schedules`: see src/schedules/cli.ts for the commands.
import { runSchedulesCli } from '../schedules/cli';

process.exitCode = await runSchedulesCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env });
