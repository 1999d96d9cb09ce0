// The REPL's lower half: what the last send came to. A heading with the outcome and the round
// trip; the time breakdown bar and its legend, pinned; then the response pretty-printed, or the
// error's type, message and stack, wrapped to the width and scrolled from `top`.
import { Box, Text } from 'ink';
import { formatMs } from '../format.js';
import { fitText } from '../text-width.js';
import { color, type Theme, useTheme } from '../theme.js';
import { BreakdownBar, BreakdownLegend } from '../timeline/breakdown-bar.js';
import { breakdownOf, type Invocation } from '../timeline/invocation.js';
import { cleanText } from './text-buffer.js';
import { wrap } from './wrap-text.js';

export type RunState =
  | { readonly kind: 'idle' }
  | { readonly kind: 'running'; readonly what: string }
  | { readonly kind: 'done'; readonly invocation: Invocation }
  /** The invocation could not be made (no container, AWS refused, cancelled...). */
  | {
      readonly kind: 'failed';
      readonly title: string;
      readonly message: string;
      readonly hint?: string | undefined;
    };

type Tone = 'text' | 'dim' | 'error';

export interface BodyLine {
  readonly text: string;
  readonly tone: Tone;
}

/** The scrolling part's lines at this width. */
export function responseBody(run: RunState, width: number): BodyLine[] {
  const lines = (text: string, tone: Tone) =>
    cleanText(text)
      .split('\n')
      .flatMap((line) => wrap(line, width).map((part) => ({ text: part, tone })));
  switch (run.kind) {
    case 'idle':
      return lines('Send the payload (Ctrl-S or Ctrl-D); the response shows here.', 'dim');
    case 'running':
      return [];
    case 'failed':
      return [...lines(run.message, 'error'), ...(run.hint ? lines(run.hint, 'dim') : [])];
    case 'done': {
      const { invocation } = run;
      if (invocation.error) {
        const { errorType, errorMessage, stackTrace } = invocation.error;
        return [
          ...lines(`${errorType}: ${errorMessage}`, 'error'),
          ...stackTrace.flatMap((frame) => lines(frame, 'dim')),
        ];
      }
      if (invocation.result === undefined)
        return lines('(no result: the handler returned nothing)', 'dim');
      return lines(JSON.stringify(invocation.result, null, 2), 'text');
    }
  }
}

/** The heading's text for a run. */
export function responseHeading(run: RunState): string {
  switch (run.kind) {
    case 'idle':
      return 'Response';
    case 'running':
      return `Response · ${run.what} (Esc cancels)`;
    case 'failed':
      return `Response · ✗ ${run.title}`;
    case 'done': {
      const { invocation } = run;
      const breakdown = breakdownOf(invocation);
      return [
        'Response',
        invocation.error ? `✗ ${invocation.error.errorType}` : '✓ ok',
        formatMs(invocation.seconds * 1000),
        breakdown ? (breakdown.cold ? 'cold' : 'warm') : '',
        `${invocation.target} ${invocation.name}`,
        invocation.requestId ? `req ${invocation.requestId.slice(0, 8)}` : '',
      ]
        .filter(Boolean)
        .join(' · ');
    }
  }
}

/** Lines pinned above the body: the breakdown bar and legend when there is a log. */
export function pinnedRows(run: RunState): number {
  if (run.kind !== 'done') return 0;
  return breakdownOf(run.invocation) ? 2 : 1;
}

export interface ResponsePaneProps {
  readonly run: RunState;
  readonly width: number;
  /** All of it: heading, pinned lines and body. */
  readonly rows: number;
  /** The first body line shown. */
  readonly top: number;
}

export function ResponsePane({ run, width, rows, top }: ResponsePaneProps) {
  const theme = useTheme();
  const body = responseBody(run, width);
  const pinned = Math.min(pinnedRows(run), Math.max(0, rows - 2));
  const bodyRows = Math.max(0, rows - 1 - pinned);
  const shown = body.slice(top, top + bodyRows);
  const more = body.length - top - shown.length;
  const breakdown = run.kind === 'done' ? breakdownOf(run.invocation) : undefined;
  const headingColor =
    run.kind === 'failed' || (run.kind === 'done' && run.invocation.error)
      ? theme.status.error
      : run.kind === 'done'
        ? theme.status.success
        : run.kind === 'running'
          ? theme.status.busy
          : theme.ui.heading;
  return (
    <Box flexDirection="column" width={width} height={rows}>
      <Text bold color={color(headingColor)} wrap="truncate">
        {fitText(
          responseHeading(run) +
            (more > 0 || top > 0 ? `  [${top + 1}-${top + shown.length}/${body.length}]` : ''),
          width,
        )}
      </Text>
      {pinned >= 1 && breakdown ? (
        <BreakdownBar segments={breakdown.segments} width={width} />
      ) : null}
      {pinned >= 2 && breakdown ? <BreakdownLegend breakdown={breakdown} width={width} /> : null}
      {pinned >= 1 && !breakdown ? (
        <Text color={color(theme.ui.dim)} wrap="truncate">
          {fitText('The log has no REPORT line: durations unknown.', width)}
        </Text>
      ) : null}
      {shown.map((line, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: lines of one text, in order
        <Text key={top + i} color={toneColor(theme, line.tone)} wrap="truncate">
          {line.text}
        </Text>
      ))}
    </Box>
  );
}

function toneColor(theme: Theme, tone: Tone): string | undefined {
  return color(
    tone === 'error' ? theme.status.error : tone === 'dim' ? theme.ui.dim : theme.ui.text,
  );
}
