// The timeline of one invocation (the newest by default; ←/→ step through the others): its
// time breakdown as a stacked bar across the width and one row per segment, the last
// invocations side by side (cold against warm), and the raw log lines underneath with search
// (`/`, n/N). The view takes the keyboard while it is open and fills exactly width × height.
import { Box, Text } from 'ink';
import { useMemo, useRef, useState } from 'react';
import { Footer } from '../footer.js';
import { formatMs } from '../format.js';
import { fitText } from '../text-width.js';
import { color, useTheme } from '../theme.js';
import { useKeys } from '../use-keys.js';
import { useViewBindings } from '../use-view-keys.js';
import { useViewHelp } from '../view-help.js';
import { viewCommandFor, viewFooterHints } from '../view-keys.js';
import { BreakdownBar, BreakdownLegend } from './breakdown-bar.js';
import { breakdownOf, type Invocation } from './invocation.js';
import { COLUMN_ROWS, InvocationColumns, type Measured } from './invocation-columns.js';
import { LogPane } from './log-pane.js';
import { findMatches, stepMatch } from './log-search.js';
import { SegmentRows } from './segment-rows.js';

export interface TimelineViewProps {
  /** Oldest first, as they were made. */
  readonly invocations: readonly Invocation[];
  readonly width: number;
  readonly height: number;
  onClose(): void;
}

/** Below this height only a line asking for room is drawn. */
export const TIMELINE_MIN_HEIGHT = 8;

interface Search {
  /** The query being typed after `/`, while it is. */
  readonly draft: string | undefined;
  readonly query: string;
  /** The line of the current match. */
  readonly current: number | undefined;
}

/** How the rows between the fixed lines are shared: segments, columns, log lines. */
export function timelineLayout(height: number, segments: number, canCompare: boolean) {
  const avail = Math.max(0, height - 5); // header, bar, legend, log heading, footer
  const compare = canCompare && avail >= COLUMN_ROWS + 4 ? COLUMN_ROWS : 0;
  const rest = avail - compare;
  const segmentRows = Math.min(segments, Math.max(segments > 0 ? 1 : 0, Math.floor(rest / 2)));
  return { segmentRows, compareRows: compare, logRows: rest - segmentRows };
}

interface ViewState {
  /** The invocation shown; undefined follows the newest. */
  readonly selectedId: number | undefined;
  /** The first log line shown. */
  readonly top: number;
  readonly search: Search;
}

export function TimelineView({ invocations, width, height, onClose }: TimelineViewProps) {
  const theme = useTheme();
  // The keys are the `timeline` and `timelineSearch` tables' (view-keys.ts), overrides included.
  const browseKeys = useViewBindings('timeline');
  const searchKeys = useViewBindings('timelineSearch');
  const openHelp = useViewHelp();
  const [state, setState] = useState<ViewState>({
    selectedId: undefined,
    top: 0,
    search: { draft: undefined, query: '', current: undefined },
  });
  // Keys of one chunk (an escape sequence and what follows) arrive before React renders
  // again: each must see the state the previous one left, so it is kept in a ref too.
  const live = useRef(state);
  live.current = state;
  const update = (change: (s: ViewState) => ViewState) => {
    live.current = change(live.current);
    setState(live.current);
  };

  const measured = useMemo(
    () =>
      invocations.flatMap((invocation): Measured[] => {
        const breakdown = breakdownOf(invocation);
        return breakdown ? [{ invocation, breakdown }] : [];
      }),
    [invocations],
  );
  const view = (s: ViewState) => {
    // The chosen one, or the newest (when none was chosen, or the chosen one is gone).
    const chosen = invocations.findIndex((i) => i.id === s.selectedId);
    const index = chosen < 0 ? invocations.length - 1 : chosen;
    const selected = invocations[index];
    const breakdown = measured.find((m) => m.invocation === selected)?.breakdown;
    const lines = selected?.log.lines ?? [];
    const layout = timelineLayout(height, breakdown?.segments.length ?? 0, measured.length >= 2);
    const maxTop = Math.max(0, lines.length - layout.logRows);
    return { index, selected, breakdown, lines, layout, maxTop, top: Math.min(s.top, maxTop) };
  };
  const { index, selected, breakdown, lines, layout, top } = view(state);
  const matches = useMemo(
    () => findMatches(lines, state.search.query),
    [lines, state.search.query],
  );

  useKeys(
    ({ input, key, name }) => {
      const s = live.current;
      const v = view(s);
      const scrollTo = (line: number) =>
        update((o) => ({ ...o, top: Math.max(0, Math.min(v.maxTop, line)) }));
      const goToMatch = (line: number | undefined, query: string) => {
        const rows = v.layout.logRows;
        const visible = line === undefined || (line >= v.top && line < v.top + rows);
        update((o) => ({
          ...o,
          search: { draft: undefined, query, current: line },
          top: visible
            ? v.top
            : Math.max(0, Math.min(v.maxTop, (line as number) - Math.floor(rows / 3))),
        }));
      };
      const select = (at: number) => {
        const next = invocations[Math.max(0, Math.min(invocations.length - 1, at))];
        if (!next || next === v.selected) return;
        update((o) => ({
          selectedId: next === invocations[invocations.length - 1] ? undefined : next.id,
          top: 0,
          search: { ...o.search, current: undefined },
        }));
      };
      const { draft, query, current } = s.search;
      if (draft !== undefined) {
        switch (viewCommandFor(searchKeys, name)) {
          case 'timelineSearch.cancel':
            update((o) => ({ ...o, search: { ...o.search, draft: undefined } }));
            break;
          case 'timelineSearch.find':
            goToMatch(stepMatch(findMatches(v.lines, draft), v.top, 'forward'), draft);
            break;
          case 'timelineSearch.backspace':
            update((o) => ({ ...o, search: { ...o.search, draft: draft.slice(0, -1) } }));
            break;
          case 'timelineSearch.help':
            // The help shows in the view's place; closing it finds the search as it was typed.
            openHelp('timelineSearch');
            break;
          default:
            if (input && !key.ctrl && !key.meta) {
              const typed = draft + input.replace(/[\r\n\t]/g, ' ');
              update((o) => ({ ...o, search: { ...o.search, draft: typed } }));
            }
        }
        return;
      }
      const found = findMatches(v.lines, query);
      const page = Math.max(1, v.layout.logRows - 1);
      switch (viewCommandFor(browseKeys, name)) {
        case 'timeline.close':
          onClose();
          break;
        case 'timeline.help':
          openHelp('timeline');
          break;
        case 'timeline.search':
          update((o) => ({ ...o, search: { ...o.search, draft: '' } }));
          break;
        case 'timeline.nextMatch':
          goToMatch(stepMatch(found, (current ?? v.top - 1) + 1, 'forward'), query);
          break;
        case 'timeline.previousMatch':
          goToMatch(stepMatch(found, current ?? v.top, 'backward'), query);
          break;
        case 'timeline.previous':
          select(v.index - 1);
          break;
        case 'timeline.next':
          select(v.index + 1);
          break;
        case 'timeline.lineUp':
          scrollTo(v.top - 1);
          break;
        case 'timeline.lineDown':
          scrollTo(v.top + 1);
          break;
        case 'timeline.pageUp':
          scrollTo(v.top - page);
          break;
        case 'timeline.pageDown':
          scrollTo(v.top + page);
          break;
        case 'timeline.top':
          scrollTo(0);
          break;
        case 'timeline.bottom':
          scrollTo(v.maxTop);
          break;
      }
    },
    // Typing a search, every printable character is text.
    { text: state.search.draft === undefined ? undefined : 'line' },
  );
  const { search } = state;

  const line = (text: string, textColor?: string, bold = false) => (
    <Text color={color(textColor ?? '')} bold={bold} wrap="truncate">
      {fitText(text, width)}
    </Text>
  );

  if (height < TIMELINE_MIN_HEIGHT) {
    return (
      <Box width={width} height={Math.max(0, height)}>
        {line('Timeline: make the terminal taller.', theme.status.warning)}
      </Box>
    );
  }
  if (!selected) {
    return (
      <Box flexDirection="column" width={width} height={height}>
        {line('Timeline', theme.ui.heading, true)}
        {line('No invocations yet: invoke the function (i), then open its timeline.', theme.ui.dim)}
        <Box flexGrow={1} />
        <Footer
          hints={viewFooterHints(browseKeys).filter((hint) => hint.label === 'close')}
          width={width}
        />
      </Box>
    );
  }

  const position = `${index + 1}/${invocations.length}`;
  const title = [
    `Timeline #${selected.id}`,
    `${selected.target} ${selected.name}`,
    breakdown ? `${breakdown.cold ? 'cold' : 'warm'} ${formatMs(breakdown.totalMs)}` : 'no REPORT',
    selected.error ? `failed: ${selected.error.errorType}` : 'ok',
    selected.requestId ? `req ${selected.requestId.slice(0, 8)}` : '',
    position,
  ]
    .filter(Boolean)
    .join(' · ');
  const found =
    search.query === ''
      ? ''
      : matches.length === 0
        ? ` · no match for "${search.query}"`
        : ` · /${search.query}: ${search.current === undefined ? '' : `match ${matches.indexOf(search.current) + 1} of `}${matches.length} lines`;

  return (
    <Box flexDirection="column" width={width} height={height}>
      {line(title, selected.error ? theme.status.error : theme.ui.heading, true)}
      {breakdown ? (
        <>
          <BreakdownBar segments={breakdown.segments} width={width} />
          <BreakdownLegend breakdown={breakdown} width={width} />
          <SegmentRows segments={breakdown.segments} width={width} rows={layout.segmentRows} />
        </>
      ) : (
        <>
          {line('This log has no REPORT line, so its durations are unknown.', theme.status.warning)}
          {line(
            selected.log.source === 'tail'
              ? "Lambda's log tail holds the last 4 KB only; the full log comes from CloudWatch Logs."
              : 'Invoke again once the function has finished, or check that it ran.',
            theme.ui.dim,
          )}
        </>
      )}
      {layout.compareRows > 0 ? (
        <InvocationColumns measured={measured} selectedId={selected.id} width={width} />
      ) : null}
      {line(`Log · ${lines.length} lines${found}`, theme.ui.heading, true)}
      <Box height={layout.logRows} flexDirection="column">
        <LogPane
          lines={lines}
          top={top}
          rows={layout.logRows}
          width={width}
          query={search.query}
          current={search.current}
        />
      </Box>
      {search.draft !== undefined ? (
        line(
          `/${search.draft}▏  ${viewFooterHints(searchKeys)
            .map((hint) => `${hint.key} ${hint.label}`)
            .join(' · ')}`,
          theme.ui.accent,
        )
      ) : (
        <Footer hints={viewFooterHints(browseKeys)} width={width} />
      )}
    </Box>
  );
}
