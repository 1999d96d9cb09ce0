// `lambdash invoke <function> [payload]`: the deployed function (or, with --container, a local
// container of its image) invoked with a payload from the argument, a file, stdin or an event
// template; the result on stdout, and with --log the invocation's log and its timeline as text
// bars. A function error exits 5, with the function's error type, message and stack.
import type { Command } from 'commander';
import { Option } from 'commander';
import {
  type Container,
  countLazyLoads,
  createEventFromTemplate,
  EVENT_TEMPLATES,
  type EventTemplateName,
  formatTimeline,
  getTimeline,
  type InvocationLog,
  invokeEntry,
  LambdashError,
  type Timeline,
} from '../../core/internal.js';
import type { CommandKit } from '../command.js';
import type { CliContext } from '../context.js';
import { formatJson, formatSeconds } from '../format.js';
import { readPayload } from '../payload.js';

export function registerInvoke(program: Command, kit: CommandKit): void {
  program
    .command('invoke')
    .description('invoke a deployed function (or a local container) and print its answer')
    .argument('<function>', 'the function: a name from lambdash.json, or any function name')
    .argument('[payload]', 'JSON, @file, or - for stdin (default: stdin when piped, else {})')
    .option('-f, --file <path>', 'read the payload from a file')
    .addOption(
      new Option('--event <template>', 'send an event made from a template').choices(
        EVENT_TEMPLATES.map((t) => t.name),
      ),
    )
    .option('-l, --log', 'print the log and its timeline too')
    .option(
      '--container',
      "invoke a local container of the function's image instead (started if none runs)",
    )
    .action(
      kit.action(async (ctx, [name, argument], options) => {
        const payload = options.event
          ? eventPayload(options.event as EventTemplateName, argument, options.file)
          : await readPayload({
              argument: argument as string | undefined,
              file: options.file as string | undefined,
              stdin: ctx.streams.stdin,
            });
        const log = !!options.log;
        const outcome = await invokeEntry(String(name), payload, {
          ...ctx.operation,
          ...(options.container
            ? { container: true, project: () => ctx.project(), onStopFailed: warnLeft(ctx) }
            : { target: await ctx.target() }),
        });
        if (outcome.error) {
          if (log && !ctx.options.json) {
            ctx.print(logLines(ctx, outcome.log, timelineOf(outcome.log)));
          }
          throw outcome.error;
        }
        ctx.note(`request ${outcome.requestId} answered in ${formatSeconds(outcome.seconds)}`);
        const timeline = log ? timelineOf(outcome.log) : undefined;
        ctx.result(
          {
            result: outcome.result,
            requestId: outcome.requestId,
            seconds: outcome.seconds,
            ...(log ? { log: logJson(outcome.log), timeline: timeline ?? null } : {}),
          },
          (r) => [formatJson(r.result), ...(log ? logLines(ctx, outcome.log, timeline) : [])],
        );
      }),
    );
}

function eventPayload(template: EventTemplateName, argument: unknown, file: unknown) {
  if (argument !== undefined || file !== undefined) {
    throw new LambdashError(
      'INVALID_PAYLOAD',
      '--event makes the payload, so a payload argument or --file cannot go with it.',
      'Give the payload one way.',
    );
  }
  return createEventFromTemplate(template);
}

/**
 * The container started for the invocation could not be stopped (the engine went away): only a
 * warning, since the answer, or the function's error, is what the command reports and exits
 * with, and the container, being this process's, goes with the next lambdash command.
 */
function warnLeft(ctx: CliContext) {
  return (error: Error, container: Container) =>
    ctx.warn(
      `${error.message} The container ${container.name} is removed by the next lambdash command that reaches the Docker engine.`,
    );
}

/** The timeline, or undefined when the log has no REPORT to build one from. */
export function timelineOf(log: InvocationLog): Timeline | undefined {
  try {
    return getTimeline(log);
  } catch {
    return undefined;
  }
}

export function logJson(log: InvocationLog) {
  return {
    requestId: log.requestId,
    lines: log.lines,
    report: log.report ?? null,
    complete: log.complete,
    source: log.source,
    lazyLoads: countLazyLoads(log),
  };
}

/** The log's lines, then the timeline as bars as wide as the terminal (80 in a pipe). */
export function logLines(
  ctx: CliContext,
  log: InvocationLog,
  timeline: Timeline | undefined,
): string[] {
  const lines = ['', ...log.lines];
  if (timeline)
    lines.push('', ...formatTimeline(timeline, { width: Math.min(ctx.width ?? 80, 120) }));
  const lazy = countLazyLoads(log);
  if (lazy > 0)
    lines.push(
      `modules first loaded during the invocation: ${lazy} (a warm-up build loads them at init)`,
    );
  return lines;
}
