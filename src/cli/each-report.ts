// How a command over several responders reports them all. With --json: one array, an element
// per responder (`{ name, ok: true, ...result }`, or `{ name, ok: false, error: { code,
// message, hint }, ...what it made }`); else the command's lines for every responder. Each
// failure's error and hint go to stderr, named by its responder when there are several. The
// exit code is the worst of theirs.
import type { EachOutcome } from '../core/internal.js';
import type { CliContext } from './context.js';
import { worstExitCode } from './exit-codes.js';
import { formatJson } from './format.js';
import { reportError } from './report-error.js';

export interface EachReport<T> {
  /** The lines for stdout: every outcome, a failed one marked as such. */
  render(outcomes: readonly EachOutcome<T>[]): string | readonly string[];
  /** A failure the rendered lines already explain in full (a failed test's difference). */
  explained?(outcome: EachOutcome<T>): boolean;
}

/** Prints the outcomes; returns the exit code. */
export function reportEach<T>(
  ctx: CliContext,
  outcomes: readonly EachOutcome<T>[],
  report: EachReport<T>,
): number {
  const reports = outcomes.map((outcome) =>
    outcome.ok ? undefined : reportError(outcome.error, { verbose: ctx.options.verbose ?? false }),
  );
  if (ctx.options.json) {
    ctx.print(
      formatJson(
        outcomes.map((outcome, index) =>
          outcome.ok ? outcome : { ...outcome, error: reports[index]!.json.error },
        ),
      ),
    );
  } else if (
    // A lone responder that failed before it made anything is its error alone, as any command's.
    outcomes.length > 1 ||
    outcomes.some((outcome) => outcome.ok || madeSomething(outcome))
  ) {
    ctx.print(report.render(outcomes));
  }
  // On stderr as a command's error is, --json or not.
  outcomes.forEach((outcome, index) => {
    const failure = reports[index];
    if (!failure || (!ctx.options.json && report.explained?.(outcome))) return;
    const lines = [...failure.lines];
    if (outcomes.length > 1) lines[0] = lines[0]!.replace(/^error: /, `error: ${outcome.name}: `);
    ctx.streams.stderr.write(`${lines.join('\n')}\n`);
  });
  return worstExitCode(reports.map((failure) => failure?.exitCode ?? 0));
}

/** A row's cells for a responder that failed: its name, dashes, and FAILED last. */
export function failedRow(name: string, columns: number): string[] {
  return [name, ...Array.from({ length: columns - 2 }, () => '-'), 'FAILED'];
}

/** Whether a failed outcome carries what it made (it ran to its end and failed there). */
function madeSomething(outcome: EachOutcome<unknown>): boolean {
  return Object.keys(outcome).some((key) => !['name', 'ok', 'error'].includes(key));
}
