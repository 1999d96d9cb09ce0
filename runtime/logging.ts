// Console lines in the Lambda service's shapes. Text: `time\trequestId\tLEVEL\tmessage`, with
// newlines turned into carriage returns so CloudWatch keeps a multi-line message as one
// event. JSON (AWS_LAMBDA_LOG_FORMAT=JSON): one object a line. AWS_LAMBDA_LOG_LEVEL drops
// lines below the chosen level in both formats.
import { formatWithOptions } from 'node:util';

export const LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'] as const;
export type Level = (typeof LEVELS)[number];

export interface LogSettings {
  readonly json: boolean;
  readonly minLevel: number;
}

export function logSettingsFromEnv(env: NodeJS.ProcessEnv): LogSettings {
  const json = (env.AWS_LAMBDA_LOG_FORMAT ?? '').toUpperCase() === 'JSON';
  const wanted = (env.AWS_LAMBDA_LOG_LEVEL ?? '').toUpperCase() as Level;
  const index = LEVELS.indexOf(wanted);
  return { json, minLevel: index >= 0 ? index : LEVELS.indexOf('TRACE') };
}

/** The request the current console output belongs to; the loop updates it. */
export const currentRequest = { id: '' };

export function formatLogLine(settings: LogSettings, level: Level, args: unknown[]): string {
  const timestamp = new Date().toISOString();
  if (settings.json) {
    const record: Record<string, unknown> = {
      timestamp,
      level,
      requestId: currentRequest.id || undefined,
    };
    const error = args.length === 1 && args[0] instanceof Error ? args[0] : undefined;
    if (error) {
      record.message = error.message;
      record.errorType = error.name;
      record.errorMessage = error.message;
      record.stackTrace = (error.stack ?? '')
        .split('\n')
        .slice(1)
        .map((line) => line.trim());
    } else if (args.length === 1 && isPlainObject(args[0])) {
      record.message = args[0];
    } else {
      record.message = formatWithOptions({ colors: false }, ...args);
    }
    return `${JSON.stringify(record)}\n`;
  }
  const message = formatWithOptions({ colors: false }, ...args).replace(/\n/g, '\r');
  return `${timestamp}\t${currentRequest.id || 'undefined'}\t${level}\t${message}\n`;
}

/** Replaces the console's methods so user output carries timestamp, request id and level. */
export function patchConsole(settings: LogSettings, write: (line: string) => void): void {
  const bind = (level: Level) => {
    if (LEVELS.indexOf(level) < settings.minLevel) return () => {};
    return (...args: unknown[]) => write(formatLogLine(settings, level, args));
  };
  const info = bind('INFO');
  Object.assign(console, {
    trace: bind('TRACE'),
    debug: bind('DEBUG'),
    log: info,
    info,
    warn: bind('WARN'),
    error: bind('ERROR'),
    fatal: bind('FATAL'),
  });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype
  );
}
