// `lambdash logs <function> <request-id>`: one invocation's log from CloudWatch Logs (waited
// for until its REPORT line is there), its time breakdown and its timeline as text bars.
import type { Command } from 'commander';
import {
  getInvocationLog,
  getInvocationTimeBreakdown,
  LambdashError,
} from '../../core/internal.js';
import type { CommandKit } from '../command.js';
import { logJson, logLines, timelineOf } from './invoke.js';

export function registerLogs(program: Command, kit: CommandKit): void {
  program
    .command('logs')
    .description("one invocation's log, time breakdown and timeline")
    .argument('<function>', 'the function: a name from lambdash.json, or any function name')
    .argument('<request-id>', 'the request id (invoke prints it; so does the START line)')
    .option('--wait <seconds>', 'how long to wait for the log to arrive', '30')
    .action(
      kit.action(async (ctx, [name, requestId], options) => {
        const wait = Number(options.wait);
        if (!Number.isFinite(wait) || wait < 0 || wait > 900) {
          throw new LambdashError(
            'INVALID_OPTION',
            `"${String(options.wait)}" is not a number of seconds.`,
            'Give --wait from 0 to 900.',
          );
        }
        const log = await getInvocationLog(String(name), String(requestId), {
          ...ctx.operation,
          target: await ctx.target(),
          waitSeconds: wait,
        });
        const timeline = timelineOf(log);
        const breakdown = log.report ? getInvocationTimeBreakdown(log) : null;
        ctx.result({ ...logJson(log), breakdown, timeline: timeline ?? null }, () =>
          logLines(ctx, log, timeline).slice(1),
        );
      }),
    );
}
