// START, END and REPORT lines in the Lambda service's format; the log parser in src/core
// reads these back, so the two must agree.

export interface InvocationReport {
  readonly requestId: string;
  readonly durationMs: number;
  readonly memorySizeMb: number;
  readonly maxMemoryUsedMb: number;
  /** Present on a cold start only. */
  readonly initDurationMs?: number;
}

export function startLine(requestId: string, version = '$LATEST'): string {
  return `START RequestId: ${requestId} Version: ${version}\n`;
}

export function endLine(requestId: string): string {
  return `END RequestId: ${requestId}\n`;
}

export function reportLine(report: InvocationReport): string {
  const init =
    report.initDurationMs === undefined
      ? ''
      : `\tInit Duration: ${report.initDurationMs.toFixed(2)} ms`;
  const duration = report.durationMs.toFixed(2);
  // Billed from the printed figure, so that a reader of the line can check one against the other.
  const billed = Math.max(1, Math.ceil(Number(duration)));
  return (
    `REPORT RequestId: ${report.requestId}\tDuration: ${duration} ms` +
    `\tBilled Duration: ${billed} ms` +
    `\tMemory Size: ${report.memorySizeMb} MB\tMax Memory Used: ${report.maxMemoryUsedMb} MB${init}\t\n`
  );
}
