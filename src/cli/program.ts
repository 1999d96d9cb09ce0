// The `lambdash` command line: global options, the subcommands, and what no subcommand means
// (the terminal app in a terminal, help and a usage error anywhere else).
import { Command, CommanderError } from 'commander';
import { lambdashVersion, nearest } from '../core/internal.js';
import { commandKit, type RunState, runAction } from './command.js';
import { registerBase } from './commands/base.js';
import { registerBuild } from './commands/build.js';
import { registerCloud } from './commands/cloud.js';
import { registerDeploy } from './commands/deploy.js';
import { registerDoctor } from './commands/doctor.js';
import { registerInvoke } from './commands/invoke.js';
import { registerLogs } from './commands/logs.js';
import { registerLs } from './commands/ls.js';
import { registerNew } from './commands/new.js';
import { registerPush } from './commands/push.js';
import { registerRm } from './commands/rm.js';
import { registerRun } from './commands/run.js';
import { registerTest } from './commands/test.js';
import type { GlobalOptions, Streams } from './context.js';
import { EXIT } from './exit-codes.js';
import { launchApp } from './launch-app.js';

const EXAMPLES = `
Examples:
  lambdash new hello                  scaffold a responder and add it to lambdash.json
  lambdash deploy hello               build, test, push and deploy it as a Lambda function
  lambdash invoke hello '{"name": "Ada"}' --log
  lambdash ls                         the lineage table: code, images, functions
  lambdash                            the terminal app (in a terminal)

Exit codes: 0 ok, 1 failed, 2 usage or bad input, 3 not found, 4 test failed,
5 the function answered with an error, 6 Docker, AWS or the local cloud unavailable,
130 cancelled. See docs/cli.md.`;

/** Runs the command line; resolves with the exit code. */
export async function runCli(argv: readonly string[], streams: Streams): Promise<number> {
  const state: RunState = { exitCode: EXIT.ok };
  const program = createProgram(streams, state);
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    throw error;
  }
  return state.exitCode;
}

export function createProgram(streams: Streams, state: RunState): Command {
  const kit = commandKit(streams, state);
  const program = new Command('lambdash')
    .description(
      'Ship TypeScript and JavaScript functions to AWS Lambda as container images, and see what they do.',
    )
    .version(lambdashVersion, '-V, --version')
    .option('--region <region>', "AWS region (default: AWS_REGION, the profile's)")
    .option('--profile <profile>', 'AWS profile (default: AWS_PROFILE)')
    .option(
      '--endpoint <url>',
      'an AWS-compatible endpoint, such as a local cloud elsewhere (AWS_ENDPOINT_URL)',
    )
    .option('--local', 'use the local cloud, even when AWS credentials are configured')
    .option(
      '--project <dir>',
      'the folder holding lambdash.json (default: this folder or one above)',
    )
    .option('--json', 'print the result as one JSON document on stdout')
    .option('-v, --verbose', 'show every AWS call and the build output')
    .option('-q, --quiet', 'no progress on stderr')
    .option('--read-only', 'the terminal app without destructive actions')
    .configureOutput({
      writeOut: (text) => streams.stdout.write(text),
      writeErr: (text) => streams.stderr.write(text),
    })
    .showSuggestionAfterError(true)
    .showHelpAfterError('(lambdash --help lists the commands; lambdash <command> --help says more)')
    .exitOverride()
    .configureHelp({ showGlobalOptions: true })
    .addHelpText('after', EXAMPLES);

  for (const register of [
    registerNew,
    registerBuild,
    registerRun,
    registerTest,
    registerPush,
    registerDeploy,
    registerInvoke,
    registerLogs,
    registerLs,
    registerRm,
    registerCloud,
    registerDoctor,
    registerBase,
  ]) {
    register(program, kit);
  }

  // `lambdash help <command>`, which commander leaves out when the program has its own action.
  program.helpCommand(true);

  // Without a subcommand: the terminal app. Set after the subcommands, which keep the default
  // (no excess arguments).
  program.allowExcessArguments(true).action(async (_options, command: Command) => {
    const [word] = command.args;
    if (word !== undefined) {
      const near = nearest(
        word,
        program.commands.map((c) => c.name()),
      );
      program.error(`error: unknown command '${word}'${near ? `\n(Did you mean ${near}?)` : ''}`, {
        exitCode: EXIT.usage,
        code: 'commander.unknownCommand',
      });
    }
    const globals = command.opts() as GlobalOptions & { readOnly?: boolean };
    if (!streams.stdin.isTTY || !streams.stdout.isTTY) {
      streams.stderr.write(
        'lambdash: no terminal here, so no terminal app; give a command (lambdash --help lists them).\n\n',
      );
      program.outputHelp({ error: true });
      state.exitCode = EXIT.usage;
      return;
    }
    state.exitCode = await runAction(streams, globals, (ctx) =>
      launchApp(ctx, globals.readOnly ?? false),
    );
  });
  return program;
}
