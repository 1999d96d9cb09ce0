// `lambdash doctor`: what this machine has of what lambdash needs, one line per check, with
// the fix under each that fails (or deserves a look). Exits 1 when a check fails.
import type { Command } from 'commander';
import { type DoctorCheck, doctorPassed, runDoctor } from '../../core/internal.js';
import type { CommandKit } from '../command.js';
import { EXIT } from '../exit-codes.js';

export function registerDoctor(program: Command, kit: CommandKit): void {
  program
    .command('doctor')
    .description('check Docker, the registry, the base image, AWS credentials and the local cloud')
    .option('--no-verify', 'do not call AWS to check the credentials')
    .action(
      kit.action(async (ctx, _args, options) => {
        const globals = ctx.options;
        const checks = await runDoctor({
          ...(globals.profile ? { profile: globals.profile } : {}),
          ...(globals.region ? { region: globals.region } : {}),
          ...(globals.endpoint ? { endpoint: globals.endpoint } : {}),
          verifyAws: options.verify !== false,
          signal: ctx.signal,
        });
        const passed = doctorPassed(checks);
        ctx.result({ passed, checks }, (r) => [
          ...r.checks.flatMap(describeCheck),
          '',
          r.passed
            ? 'lambdash is ready.'
            : 'Fix what failed above, then run `lambdash doctor` again.',
        ]);
        return passed ? EXIT.ok : EXIT.failure;
      }),
    );
}

export function describeCheck(check: DoctorCheck): string[] {
  const mark = !check.ok ? 'FAIL' : check.warning ? 'warn' : 'ok  ';
  const lines = [`${mark}  ${check.title}: ${check.detail}`];
  if (check.fix && (!check.ok || check.warning)) lines.push(`      fix: ${check.fix}`);
  return lines;
}
