// One invocation's log, read back from text: the Lambda service's START, END and REPORT lines
// (text, or the JSON platform records of AWS_LAMBDA_LOG_FORMAT=JSON), console lines, and the
// runtime's observation marks (docs/observations.md: one line per phase, or one per mark from
// images built before that). The text may hold other requests too
// (a CloudWatch stream, concurrent invocations): only the chosen request's lines are kept,
// with the init lines that came before it.

export interface Observation {
  /** Unix time in ms, with microsecond precision. */
  readonly time: number;
  /** Undefined for marks outside an invocation (`-`: init). */
  readonly requestId: string | undefined;
  readonly kind: 'runtime' | 'user';
  readonly name: string;
}

export interface InvocationReport {
  readonly requestId: string;
  readonly durationMs: number;
  readonly billedDurationMs: number;
  readonly memorySizeMb: number;
  readonly maxMemoryUsedMb: number;
  /** Present on a cold start only. */
  readonly initDurationMs?: number;
}

export interface InvocationLog {
  readonly requestId: string;
  /** Every raw line kept (a cold start's init lines included), in order. */
  readonly lines: readonly string[];
  /** This request's marks and the init marks (`-`) before it. */
  readonly observations: readonly Observation[];
  readonly report: InvocationReport | undefined;
  /** START, END and REPORT of this request are all present. */
  readonly complete: boolean;
  readonly source: 'tail' | 'cloudwatch' | 'local';
}

export interface ParseOptions {
  /** The request to keep; by default the first one found. */
  readonly requestId?: string;
  /** `tail` (LogType Tail: the last 4 KB, possibly cut mid-line), `cloudwatch` or `local`. */
  readonly source?: InvocationLog['source'];
}

type Parsed =
  | { readonly type: 'start' | 'end'; readonly requestId: string }
  | { readonly type: 'report'; readonly requestId: string; readonly report: InvocationReport }
  | {
      readonly type: 'observation';
      readonly requestId: string | undefined;
      readonly observations: readonly Observation[];
    }
  /** Console output and anything else; requestId when the line names one. */
  | { readonly type: 'other'; readonly requestId: string | undefined };

export function parseInvocationLog(text: string, options: ParseOptions = {}): InvocationLog {
  const source = options.source ?? 'local';
  const all = text.split('\n').filter((line) => line !== '');
  // The tail is the log's last 4 KB: its first line is usually the end of a longer one.
  if (source === 'tail' && all.length > 0 && !parseLine(all[0] as string).known) all.shift();
  const parsed = all.map(parseLine);

  const requestId = options.requestId ?? firstRequestId(parsed);
  if (requestId === undefined) {
    return {
      requestId: '',
      lines: all,
      observations: observationsOf(parsed),
      report: undefined,
      complete: false,
      source,
    };
  }
  const start = parsed.findIndex((line) => line.type === 'start' && line.requestId === requestId);
  const reportAt = parsed.findIndex(
    (line) => line.type === 'report' && line.requestId === requestId,
  );
  const end = parsed.some((line) => line.type === 'end' && line.requestId === requestId);
  // Init lines sit between the previous invocation's REPORT and this START (or, from the
  // emulator, just after START: they carry no request id either way).
  let from = 0;
  if (start >= 0) {
    for (let i = start - 1; i >= 0; i--) {
      if (parsed[i]?.type === 'report') {
        from = i + 1;
        break;
      }
    }
  }
  const last = reportAt >= 0 ? reportAt : parsed.length - 1;

  const lines: string[] = [];
  const kept: Parsed[] = [];
  // Requests started and not yet reported: a line without a request id belongs to this one
  // only while no other is running (interleaved requests make such lines anyone's).
  const open = new Set<string>();
  parsed.forEach((line, i) => {
    if (line.type === 'start') open.add(line.requestId);
    const owned = line.requestId === requestId;
    const orphan =
      line.requestId === undefined &&
      i >= from &&
      i <= last &&
      (open.size === 0 || (open.size === 1 && open.has(requestId)));
    // Lines of this request written after its REPORT (late output) still belong to it.
    if (owned || orphan) {
      lines.push(all[i] as string);
      kept.push(line);
    }
    if (line.type === 'report') open.delete(line.requestId);
  });
  const report =
    reportAt >= 0 ? (parsed[reportAt] as Extract<Parsed, { type: 'report' }>).report : undefined;
  return {
    requestId,
    lines,
    observations: observationsOf(kept),
    report,
    complete: start >= 0 && end && report !== undefined,
    source,
  };
}

function firstRequestId(parsed: readonly Parsed[]): string | undefined {
  return (
    parsed.find((line) => line.type === 'start')?.requestId ??
    parsed.find((line) => line.type === 'report')?.requestId ??
    parsed.find((line) => line.requestId !== undefined)?.requestId
  );
}

function observationsOf(parsed: readonly Parsed[]): Observation[] {
  return parsed.flatMap((line) => (line.type === 'observation' ? line.observations : []));
}

const START = /^START RequestId: (\S+)/;
const END = /^END RequestId: (\S+)/;
const REPORT = /^REPORT RequestId: (\S+)/;
// Images built before one line per phase: one line per mark.
const OBSERVATION = /^\[lambdash\]\t(\d+(?:\.\d+)?)\t([^\t]+)\t(runtime|user)\t(.*)$/;
// One line per phase: request id, base time, then `<offset> <kind> <name>` per field.
const MARKS = /^\[lambdash\]\tmarks\t([^\t]+)\t(\d+(?:\.\d+)?)((?:\t.*)?)$/;
const MARK = /^(\d+(?:\.\d+)?) (runtime|user) (.*)$/;
const CONSOLE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z\t([^\t]*)\t[A-Z]+\t/;
// Lines of the Lambda service outside any request: INIT_START, INIT_REPORT, EXTENSION...
const PLATFORM = /^(INIT_START|INIT_REPORT|INIT_RUNTIME_DONE|EXTENSION|TELEMETRY|XRAY) /;

function parseLine(line: string): Parsed & { known: boolean } {
  let match = START.exec(line);
  if (match) return { type: 'start', requestId: match[1] as string, known: true };
  match = END.exec(line);
  if (match) return { type: 'end', requestId: match[1] as string, known: true };
  match = REPORT.exec(line);
  if (match) {
    const requestId = match[1] as string;
    return { type: 'report', requestId, report: parseReportFields(requestId, line), known: true };
  }
  match = MARKS.exec(line);
  if (match) {
    const requestId = match[1] === '-' ? undefined : match[1];
    const base = Number(match[2]);
    const observations = (match[3] as string)
      .split('\t')
      .slice(1)
      .flatMap((field) => {
        const mark = MARK.exec(field);
        if (!mark) return [];
        const kind = mark[2] as Observation['kind'];
        return [{ time: at(base, Number(mark[1])), requestId, kind, name: mark[3] as string }];
      });
    return { type: 'observation', requestId, observations, known: true };
  }
  match = OBSERVATION.exec(line);
  if (match) {
    const requestId = match[2] === '-' ? undefined : match[2];
    const observation: Observation = {
      time: Number(match[1]),
      requestId,
      kind: match[3] as Observation['kind'],
      name: match[4] as string,
    };
    return { type: 'observation', requestId, observations: [observation], known: true };
  }
  match = CONSOLE.exec(line);
  if (match) {
    const id = match[1];
    return { type: 'other', requestId: id && id !== 'undefined' ? id : undefined, known: true };
  }
  if (line.startsWith('{')) {
    const json = parseJsonLine(line);
    if (json) return json;
  }
  return { type: 'other', requestId: undefined, known: PLATFORM.test(line) };
}

const REPORT_FIELD =
  /(Billed Restore Duration|Restore Duration|Billed Duration|Init Duration|Duration|Memory Size|Max Memory Used): ([\d.]+) (?:ms|MB)/g;

function parseReportFields(requestId: string, line: string): InvocationReport {
  const fields = new Map<string, number>();
  for (const [, key, value] of line.matchAll(REPORT_FIELD))
    fields.set(key as string, Number(value));
  const init = fields.get('Init Duration');
  return {
    requestId,
    durationMs: fields.get('Duration') ?? 0,
    billedDurationMs: fields.get('Billed Duration') ?? 0,
    memorySizeMb: fields.get('Memory Size') ?? 0,
    maxMemoryUsedMb: fields.get('Max Memory Used') ?? 0,
    ...(init === undefined ? {} : { initDurationMs: init }),
  };
}

type Json = Record<string, unknown>;

function parseJsonLine(line: string): (Parsed & { known: boolean }) | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!isRecord(value)) return undefined;
  const record = isRecord(value.record) ? value.record : {};
  const recordId = typeof record.requestId === 'string' ? record.requestId : undefined;
  switch (value.type) {
    case 'lambdash.marks': {
      const requestId = typeof value.requestId === 'string' ? value.requestId : undefined;
      const base = Number(value.time);
      const marks = Array.isArray(value.marks) ? value.marks : [];
      const observations = marks.flatMap((mark: unknown) => {
        if (!Array.isArray(mark) || typeof mark[0] !== 'number') return [];
        const kind: Observation['kind'] = mark[1] === 'user' ? 'user' : 'runtime';
        return [{ time: at(base, mark[0]), requestId, kind, name: String(mark[2] ?? '') }];
      });
      return { type: 'observation', requestId, observations, known: true };
    }
    // Images built before one line per phase: one object per mark.
    case 'lambdash.observe': {
      const id = typeof value.requestId === 'string' ? value.requestId : '-';
      const requestId = id === '-' ? undefined : id;
      const observation: Observation = {
        time: Number(value.time),
        requestId,
        kind: value.kind === 'user' ? 'user' : 'runtime',
        name: String(value.name ?? ''),
      };
      return { type: 'observation', requestId, observations: [observation], known: true };
    }
    case 'platform.start':
      if (recordId) return { type: 'start', requestId: recordId, known: true };
      break;
    case 'platform.runtimeDone':
      if (recordId) return { type: 'end', requestId: recordId, known: true };
      break;
    case 'platform.report':
      if (recordId) {
        return {
          type: 'report',
          requestId: recordId,
          report: reportOfMetrics(recordId, isRecord(record.metrics) ? record.metrics : {}),
          known: true,
        };
      }
      break;
  }
  const id = typeof value.requestId === 'string' ? value.requestId : recordId;
  return { type: 'other', requestId: id || undefined, known: true };
}

function reportOfMetrics(requestId: string, metrics: Json): InvocationReport {
  const number = (key: string): number | undefined =>
    typeof metrics[key] === 'number' ? (metrics[key] as number) : undefined;
  const init = number('initDurationMs');
  return {
    requestId,
    durationMs: number('durationMs') ?? 0,
    billedDurationMs: number('billedDurationMs') ?? 0,
    memorySizeMb: number('memorySizeMB') ?? 0,
    maxMemoryUsedMb: number('maxMemoryUsedMB') ?? 0,
    ...(init === undefined ? {} : { initDurationMs: init }),
  };
}

/** A mark's time from the line's base and its offset, both with 3 decimals: no float noise. */
function at(base: number, offset: number): number {
  return Math.round((base + offset) * 1000) / 1000;
}

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
