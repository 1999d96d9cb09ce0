// Console lines in the Lambda service's shapes. Text: `time\trequestId\tLEVEL\tmessage`, with
// newlines turned into carriage returns so CloudWatch keeps a multi-line message as one
// event. JSON (AWS_LAMBDA_LOG_FORMAT=JSON): one object a line, shaped as the Lambda Node.js
// runtime shapes it. AWS_LAMBDA_LOG_LEVEL drops lines below the chosen level in both formats.
import { formatWithOptions } from 'node:util';
import type { ErrorPayload } from './errors.js';

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
  if (settings.json) return `${formatJson(timestamp, level, args)}\n`;
  const message = format(args).replace(/\n/g, '\r');
  return `${timestamp}\t${currentRequest.id || 'undefined'}\t${level}\t${message}\n`;
}

// JSON lines follow the Lambda Node.js runtime: one argument is the message as it is (an
// object stays an object, an Error becomes {errorType, errorMessage, stackTrace}); several
// are formatted into one string, with the first Error's fields beside it.
function formatJson(timestamp: string, level: Level, args: unknown[]): string {
  const record: Record<string, unknown> = {
    timestamp,
    level,
    requestId: currentRequest.id || undefined,
  };
  if (args.length === 1) {
    record.message = args[0];
    try {
      return JSON.stringify(record, errorReplacer);
    } catch {
      // Circular structures, BigInts: the text form is still worth a line.
      record.message = format(args);
      return JSON.stringify(record);
    }
  }
  record.message = format(args);
  const error = args.find((arg) => arg instanceof Error);
  if (error) Object.assign(record, errorFields(error));
  return JSON.stringify(record);
}

function errorFields(error: Error): Record<string, unknown> {
  return {
    errorType: error.constructor?.name ?? 'UnknownError',
    errorMessage: error.message,
    stackTrace: typeof error.stack === 'string' ? error.stack.split('\n') : [],
  };
}

function errorReplacer(_key: string, value: unknown): unknown {
  return value instanceof Error ? { ...errorFields(value), ...value } : value;
}

function format(args: unknown[]): string {
  return formatWithOptions({ colors: false }, ...args);
}

let active: LogSettings = { json: false, minLevel: 0 };

/** Replaces the console's methods so user output carries timestamp, request id and level. */
export function patchConsole(settings: LogSettings, write: (line: string) => void): void {
  active = settings;
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

/**
 * Logs a failure at ERROR as the Lambda Node.js runtime does: `label \t{json}` in text, and
 * in JSON the error object alone as the message (the label would only be noise there).
 */
export function logError(label: string, payload: ErrorPayload): void {
  if (active.json) console.error({ ...payload });
  else console.error(label, `\t${JSON.stringify(payload)}`);
}
