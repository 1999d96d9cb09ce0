// The read-only panels over the table: a row's details and the command log (plain tables),
// the errors kept this session with their hints and causes, and the settings (its keys the
// `settings` table's, view-keys.ts, with a footer drawn from it).
import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import { escapeControlCharacters, type LambdashError, type LineageRow } from '../core/internal.js';
import { Footer } from './footer.js';
import { formatAge, formatBytes, formatClock, shortHash } from './format.js';
import { displayKey } from './key-table.js';
import { rowName } from './lineage-columns.js';
import type { LogEntry } from './operations.js';
import { ScrollList } from './panel.js';
import { TablePanel } from './plain-table.js';
import type { Settings, SettingsStore } from './settings.js';
import { textWidth } from './text-width.js';
import { color, useTheme } from './theme.js';
import { useViewBindings } from './use-view-keys.js';
import { useViewHelp } from './view-help.js';
import { viewFooterHints, viewKeysOf } from './view-keys.js';

interface PanelSize {
  readonly width: number;
  readonly height: number;
  readonly onClose: () => void;
}

/** Every part of a row as field/value pairs. */
export function detailRows(
  row: LineageRow,
  now: Date,
  lastInvoked?: Date,
): Record<string, string>[] {
  const rows: Record<string, string>[] = [];
  const add = (field: string, value: string | number | undefined) => {
    if (value !== undefined && value !== '') rows.push({ field, value: String(value) });
  };
  const when = (date: Date | undefined) =>
    date ? `${date.toISOString()} (${formatAge(date, now)} ago)` : undefined;
  const { responder, localImage, remoteImage, repo, lambdaFunction: fn } = row;
  add('responder', responder ? `${responder.name} (${responder.state})` : undefined);
  add('source', responder?.source);
  add('handler', responder?.handler);
  add('hash', responder?.hash?.slice(0, 16));
  add('local image', localImage?.id);
  add('  tags', localImage?.tags.join(', '));
  add('  created', when(localImage?.created));
  add('  size', localImage ? formatBytes(localImage.size) : undefined);
  add('remote image', remoteImage?.digest);
  add('  uri', remoteImage?.uri);
  add('  tags', remoteImage?.tags.join(', '));
  add('  pushed', when(remoteImage?.pushed));
  add('  size', remoteImage ? formatBytes(remoteImage.size) : undefined);
  add('repository', repo?.uri);
  add('function', fn?.name);
  add('  state', fn ? `${fn.state}${fn.stateReason ? `: ${fn.stateReason}` : ''}` : undefined);
  add(
    '  last update',
    fn?.lastUpdateStatus
      ? `${fn.lastUpdateStatus}${fn.lastUpdateStatusReason ? `: ${fn.lastUpdateStatusReason}` : ''}`
      : undefined,
  );
  add('  image', fn?.resolvedImageUri ?? fn?.imageUri);
  add(
    '  memory',
    fn ? `${fn.memorySize} MB, ${fn.timeout} s timeout, ${fn.architecture}` : undefined,
  );
  add('  role', fn?.role);
  add('  modified', when(fn?.lastModified));
  add('  last invoked', when(lastInvoked));
  add('  arn', fn?.arn);
  add('  code', row.outdated ? 'older than the newest build (⚠ older code)' : undefined);
  // The responder's older chains, newest first: local image → remote image → function.
  (row.older ?? []).forEach((chain, index) => {
    const parts = [
      chain.localImage
        ? `${shortHash(chain.localImage.id)} (${formatAge(chain.localImage.created, now)})`
        : '—',
      chain.remoteImage ? shortHash(chain.remoteImage.digest) : '—',
      chain.lambdaFunction?.name ?? '—',
    ];
    add(
      index === 0 ? 'older chains' : '',
      `${parts.join(' → ')} · ${chain.responder?.state ?? 'unknown'}`,
    );
  });
  return rows;
}

export function DetailsPanel(
  props: PanelSize & {
    readonly row: LineageRow;
    readonly now: Date;
    readonly lastInvoked?: Date | undefined;
  },
): ReactNode {
  return (
    <TablePanel
      title={`Details: ${rowName(props.row)}`}
      columns={['field', 'value']}
      rows={detailRows(props.row, props.now, props.lastInvoked)}
      width={props.width}
      height={props.height}
      onClose={props.onClose}
      closeKeys={['v']}
    />
  );
}

export function HistoryPanel(
  props: PanelSize & { readonly entries: readonly LogEntry[] },
): ReactNode {
  return (
    <TablePanel
      title="Command log"
      columns={['time', 'what']}
      rows={props.entries.map((entry) => ({
        time: formatClock(entry.at),
        what: `${entry.level === 'error' ? '✖ ' : entry.level === 'success' ? '✔ ' : entry.level === 'call' ? '→ ' : ''}${entry.text}`,
      }))}
      width={props.width}
      height={props.height}
      onClose={props.onClose}
      fromEnd
      empty="Nothing has run yet."
      closeKeys={['h']}
    />
  );
}

/** Words wrapped to lines of at most `width` cells (long words are cut). */
export function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      const candidate = line ? `${line} ${word}` : word;
      if (textWidth(candidate) <= width) line = candidate;
      else {
        if (line) lines.push(line);
        line = textWidth(word) > width ? word.slice(0, width) : word;
      }
    }
    lines.push(line);
  }
  return lines;
}

export interface KeptError {
  readonly at: Date;
  /** What was being done: "build hello-ts". */
  readonly doing: string;
  readonly error: LambdashError | Error;
}

export function ErrorsPanel(
  props: PanelSize & { readonly errors: readonly KeptError[] },
): ReactNode {
  const theme = useTheme();
  const inner = Math.max(10, props.width - 6);
  const lines: ReactNode[] = [];
  for (const kept of [...props.errors].reverse()) {
    const error = kept.error as LambdashError;
    lines.push(
      <Text bold color={color(theme.status.error)} wrap="truncate-end">
        {formatClock(kept.at)} {kept.doing}
        {error.code ? ` [${error.code}]` : ''}
      </Text>,
    );
    // Messages quote user input: its controls are shown, never obeyed by the terminal.
    const shown = (text: string) => escapeControlCharacters(text, { keepLayout: true });
    for (const line of wrapWords(shown(error.message), inner)) lines.push(<Text> {line}</Text>);
    if (error.hint) {
      for (const line of wrapWords(`Hint: ${shown(error.hint)}`, inner)) {
        lines.push(<Text color={color(theme.status.info)}> {line}</Text>);
      }
    }
    let cause = error.cause as Error | undefined;
    for (let depth = 0; cause && depth < 3; depth++) {
      const text = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
      for (const line of wrapWords(`Cause: ${shown(text)}`, inner)) {
        lines.push(<Text color={color(theme.ui.dim)}> {line}</Text>);
      }
      cause = cause instanceof Error ? (cause.cause as Error | undefined) : undefined;
    }
    lines.push(<Text> </Text>);
  }
  if (lines.length === 0) lines.push(<Text color={color(theme.ui.dim)}>No errors.</Text>);
  return (
    <ScrollList
      title={`Errors (${props.errors.length}), newest first`}
      lines={lines}
      width={props.width}
      height={props.height}
      onClose={props.onClose}
      closeKeys={['e']}
    />
  );
}

export function SettingsPanel(
  props: PanelSize & {
    readonly store: SettingsStore;
    readonly settings: Settings;
    /** What this session uses instead (command-line flags). */
    readonly overrides: Readonly<Partial<Record<keyof Settings, string>>>;
  },
): ReactNode {
  const theme = useTheme();
  const bindings = useViewBindings('settings');
  const openHelp = useViewHelp();
  const { settings, overrides, store } = props;
  const lines: ReactNode[] = [];
  const show = (value: unknown) =>
    value === undefined
      ? '(not set)'
      : typeof value === 'object'
        ? JSON.stringify(value)
        : String(value);
  for (const [name, value] of Object.entries(settings)) {
    const override = overrides[name as keyof Settings];
    lines.push(
      <Text wrap="truncate-end">
        <Text color={color(theme.ui.key)}>{name.padEnd(16)}</Text>
        {show(value)}
        {override !== undefined ? (
          <Text color={color(theme.status.warning)}> (this session: {override})</Text>
        ) : null}
      </Text>,
    );
  }
  lines.push(<Text> </Text>);
  // The command line opens from the table, not from here: the hint says how to get there.
  lines.push(
    <Text color={color(theme.ui.dim)} wrap="truncate-end">
      To change one: {displayKey(viewKeysOf(bindings, 'settings.close')[0] ?? 'escape')}, then :set
      NAME VALUE (:set theme light); :unset NAME resets one.
    </Text>,
  );
  lines.push(
    <Text color={color(theme.ui.dim)} wrap="truncate-end">
      File: {store.path ?? '(none: kept in memory)'}
    </Text>,
  );
  for (const problem of store.problems()) {
    lines.push(
      <Text color={color(theme.status.warning)} wrap="truncate-end">
        ⚠ {problem}
      </Text>,
    );
  }
  return (
    <Box flexDirection="column">
      <ScrollList
        title="Settings"
        lines={lines}
        width={props.width}
        height={props.height - 1}
        onClose={props.onClose}
        bindings={bindings}
        onCommand={(id) => id === 'settings.help' && openHelp('settings')}
      />
      <Footer hints={viewFooterHints(bindings)} width={props.width} />
    </Box>
  );
}
