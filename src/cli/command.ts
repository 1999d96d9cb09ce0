// The glue between commander and a command's code: each action gets a CliContext made from
// the global options, runs with Ctrl-C wired to its signal, and ends with its exit code, its
// error reported and the target closed, whatever happened.
import type { Command } from 'commander';
import {
  type CliContext,
  CliContext as Context,
  type GlobalOptions,
  type Streams,
} from './context.js';
import { EXIT } from './exit-codes.js';
import { reportError } from './report-error.js';

/** A command's code: its arguments (as commander parsed them) and options; returns an exit code. */
export type CommandAction = (
  ctx: CliContext,
  args: readonly unknown[],
  options: Record<string, unknown>,
) => Promise<number | undefined> | Promise<void>;

export interface RunState {
  exitCode: number;
}

export interface CommandKit {
  readonly streams: Streams;
  readonly state: RunState;
  /** Wraps a command's code into a commander action. */
  action(run: CommandAction): (...params: unknown[]) => Promise<void>;
}

export function commandKit(streams: Streams, state: RunState): CommandKit {
  return {
    streams,
    state,
    action:
      (run) =>
      async (...params) => {
        const command = params[params.length - 1] as Command;
        const options = command.opts();
        const args = params.slice(0, -2);
        state.exitCode = await runAction(
          streams,
          command.optsWithGlobals() as GlobalOptions,
          (ctx) => run(ctx, args, options),
        );
      },
  };
}

/** Runs a command's code in a context of its own; returns its exit code. */
export async function runAction(
  streams: Streams,
  globals: GlobalOptions,
  run: (ctx: CliContext) => Promise<number | undefined> | Promise<void>,
): Promise<number> {
  const controller = new AbortController();
  let interrupts = 0;
  const onInterrupt = () => {
    interrupts++;
    if (interrupts > 1) process.exit(EXIT.cancelled);
    streams.stderr.write('stopping (Ctrl-C again to quit at once)\n');
    controller.abort(new Error('Interrupted'));
  };
  process.on('SIGINT', onInterrupt);
  process.on('SIGTERM', onInterrupt);
  const ctx = new Context(globals, streams, controller.signal);
  try {
    return (await run(ctx)) ?? EXIT.ok;
  } catch (error) {
    const report = reportError(error, { verbose: globals.verbose ?? false });
    if (globals.json) streams.stdout.write(`${JSON.stringify(report.json, null, 2)}\n`);
    streams.stderr.write(`${report.lines.join('\n')}\n`);
    return controller.signal.aborted ? EXIT.cancelled : report.exitCode;
  } finally {
    process.off('SIGINT', onInterrupt);
    process.off('SIGTERM', onInterrupt);
    await ctx.close().catch(() => undefined);
  }
}
