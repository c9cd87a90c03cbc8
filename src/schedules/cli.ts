// `npm run schedules -- <command>`: the members' refresh schedules. Every failure is one line on stderr
// and a non-zero exit code; `list` is where support sees members whose refresh paused for the user.
import { parseArgs } from 'node:util';
import type { Client } from '@temporalio/client';
import { ConfigError, loadConfig } from '../config';
import { connectClient, temporalTarget } from '../temporal/connection';
import { loadDataConverter } from '../temporal/data-converter';
import { actOnSchedule, createRefreshSchedule, listRefreshSchedules, type RefreshScheduleRow, ScheduleError, scheduleIdOf } from './manage';

export const HELP = `npm run schedules -- <command> [options]

  create  --user <id> (--member <guid> | --institution <code>) [--every 6h] [--jitter 15m]
          [--catchup 1d] [--overlap-days 14] [--lookahead-days 5]
  list    [--needs-user] [--json]     every member's refresh schedule; --needs-user: paused for the user
  pause   --user <id> --member <guid|code> [--note <why>]   (or --id <schedule id>)
  resume  --user <id> --member <guid|code> [--note <what was fixed>]
  trigger --user <id> --member <guid|code>                   refresh now (skipped if one runs)
  delete  --user <id> --member <guid|code>

Defaults come from REFRESH_INTERVAL, REFRESH_JITTER, REFRESH_CATCHUP_WINDOW; runs go to TEMPORAL_TASK_QUEUE.
`;

export interface SchedulesIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
}

const COMMANDS = ['create', 'list', 'pause', 'resume', 'trigger', 'delete', 'help'] as const;
type Command = (typeof COMMANDS)[number];

export async function runSchedulesCli(argv: string[], io: SchedulesIo): Promise<number> {
  let parsed;
  try {
    parsed = parse(argv);
  } catch (error) {
    io.stderr.write(`schedules: ${(error as Error).message}\n`);
    return 2;
  }
  if (parsed.command === 'help') {
    io.stdout.write(HELP);
    return 0;
  }
  let client: Client | undefined;
  try {
    const config = loadConfig(io.env);
    const target = temporalTarget(io.env);
    const dataConverter = await loadDataConverter(config);
    client = await connectClient(target, { dataConverter, connectTimeoutMs: 5_000 }).catch(() => {
      throw new ScheduleError(
        `cannot reach Temporal at ${target.address}: is it running (npm start)? TEMPORAL_ADDRESS selects another server`,
      );
    });
    const { command, values } = parsed;
    if (command === 'create') {
      const id = await createRefreshSchedule(client, {
        userId: required(values.user, '--user'),
        ...(values.member ? { memberGuid: values.member } : {}),
        ...(values.institution ? { institutionCode: values.institution } : {}),
        interval: values.every ?? config.refresh.interval,
        jitter: values.jitter ?? config.refresh.jitter,
        catchupWindow: values.catchup ?? config.refresh.catchupWindow,
        taskQueue: config.taskQueue,
        ...(values['overlap-days'] ? { overlapDays: count(values['overlap-days'], '--overlap-days') } : {}),
        ...(values['lookahead-days'] ? { lookaheadDays: count(values['lookahead-days'], '--lookahead-days') } : {}),
      });
      io.stdout.write(
        `Created schedule ${id}: refreshMember every ${values.every ?? config.refresh.interval} on task queue ${config.taskQueue}.\n`,
      );
    } else if (command === 'list') {
      const rows = (await listRefreshSchedules(client)).filter((row) => !values['needs-user'] || row.needsUser);
      io.stdout.write(values.json ? `${JSON.stringify(rows, null, 2)}\n` : table(rows));
    } else {
      const id = values.id ?? scheduleIdOf(required(values.user, '--user'), required(values.member, '--member'));
      await actOnSchedule(client, id, command, values.note);
      io.stdout.write(
        `${command === 'delete' ? 'Deleted' : command === 'trigger' ? 'Triggered' : command === 'pause' ? 'Paused' : 'Resumed'} schedule ${id}.\n`,
      );
    }
    return 0;
  } catch (error) {
    const message = error instanceof ConfigError ? error.message.replace(/\n\s*/g, ' ') : (error as Error).message;
    io.stderr.write(
      `schedules: ${error instanceof ScheduleError || error instanceof ConfigError ? '' : 'failed: '}${message.split('\n')[0]}\n`,
    );
    return 1;
  } finally {
    await client?.connection.close();
  }
}

function parse(argv: string[]) {
  const [command, ...rest] = argv;
  if (!command || !(COMMANDS as readonly string[]).includes(command))
    throw new Error(`unknown command ${JSON.stringify(command ?? '')}; one of ${COMMANDS.join(', ')}`);
  const { values } = parseArgs({
    args: rest,
    strict: true,
    options: {
      user: { type: 'string' },
      member: { type: 'string' },
      institution: { type: 'string' },
      id: { type: 'string' },
      every: { type: 'string' },
      jitter: { type: 'string' },
      catchup: { type: 'string' },
      note: { type: 'string' },
      'overlap-days': { type: 'string' },
      'lookahead-days': { type: 'string' },
      'needs-user': { type: 'boolean' },
      json: { type: 'boolean' },
    },
  });
  for (const flag of ['every', 'jitter', 'catchup'] as const) {
    if (values[flag] !== undefined && !/^\d+(ms|s|m|h|d)$/.test(values[flag]))
      throw new Error(`--${flag} must be a duration such as 30s, 15m, 6h or 1d`);
  }
  if (command === 'create' && Boolean(values.member) === Boolean(values.institution))
    throw new Error('create needs exactly one of --member or --institution');
  return { command: command as Command, values };
}

function required(value: string | undefined, flag: string): string {
  if (!value) throw new ScheduleError(`${flag} is required`);
  return value;
}

function count(value: string, flag: string): number {
  if (!/^\d{1,3}$/.test(value)) throw new ScheduleError(`${flag} must be a whole number of days`);
  return Number(value);
}

function table(rows: RefreshScheduleRow[]): string {
  if (rows.length === 0) return 'No refresh schedules.\n';
  const lines = rows.map((r) =>
    [
      r.needsUser ? 'NEEDS USER' : r.paused ? 'paused' : 'active',
      r.scheduleId,
      r.userId ?? '?',
      r.member ?? '?',
      r.nextRunAt ?? '-',
      r.note ?? '',
    ].join('  '),
  );
  return `${['STATE', 'SCHEDULE', 'USER', 'MEMBER', 'NEXT RUN', 'NOTE'].join('  ')}\n${lines.join('\n')}\n`;
}
