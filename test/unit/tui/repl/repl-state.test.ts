import { describe, expect, it } from 'vitest';
import { parseInvocationLog } from '../../../../src/core/logs/invocation-log.js';
import { replLayout } from '../../../../src/tui/repl/repl-layout.js';
import {
  editBuffer,
  initialState,
  type ReplState,
  scrollResponse,
  walkHistory,
} from '../../../../src/tui/repl/repl-state.js';
import { insertText, moveCursor, textOf } from '../../../../src/tui/repl/text-buffer.js';
import { COLD_ID, coldThenWarm } from '../../../support/invocation-logs.js';

const size = { width: 40, height: 24 };

describe('the REPL state', () => {
  it('opens on the payload sent last, else {}, and says why the store could not be read', () => {
    const opened = initialState(['{"a":1}', '{"b":2}'], 'local', undefined);
    expect(textOf(opened.buffer)).toBe('{"b":2}');
    expect(opened.historyAt).toBe(1);
    const fresh = initialState([], undefined, 'unreadable');
    expect(textOf(fresh.buffer)).toBe('{}');
    expect(fresh.historyAt).toBeUndefined();
    expect(fresh.notice).toEqual({ text: 'unreadable', tone: 'error' });
  });

  it('walks the history and comes back to the draft, kept as it was typed', () => {
    let s: ReplState = { ...initialState(['{"a":1}', '{"b":2}'], 'local', undefined) };
    s = editBuffer(s, (b) => insertText(moveCursor(b, 'end'), ' '), size);
    expect(s.historyAt).toBeUndefined();
    const draft = textOf(s.buffer);
    s = walkHistory(s, -1, size)!;
    expect([textOf(s.buffer), s.historyAt]).toEqual(['{"b":2}', 1]);
    s = walkHistory(s, -1, size)!;
    expect([textOf(s.buffer), s.historyAt]).toEqual(['{"a":1}', 0]);
    expect(walkHistory(s, -1, size)).toBeUndefined();
    s = walkHistory(walkHistory(s, 1, size)!, 1, size)!;
    expect([textOf(s.buffer), s.historyAt]).toEqual([draft, undefined]);
    expect(walkHistory(s, 1, size)).toBeUndefined();
  });

  it('keeps the history entry shown while only the cursor moves', () => {
    const s = initialState(['{"a":1}'], 'local', undefined);
    const moved = editBuffer(s, (b) => moveCursor(b, 'home'), size);
    expect(moved.historyAt).toBe(0);
    expect(editBuffer(s, (b) => b, size)).toBe(s);
  });

  it('scrolls the response by pages inside its length', () => {
    const result = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${i}`, i]));
    const s: ReplState = {
      ...initialState([], 'local', undefined),
      run: {
        kind: 'done',
        invocation: {
          id: 1,
          name: 'fn',
          target: 'local',
          at: new Date(0),
          payload: '{}',
          result,
          requestId: COLD_ID,
          log: parseInvocationLog(coldThenWarm(), { requestId: COLD_ID }),
          seconds: 0.1,
        },
      },
    };
    const { responseRows } = replLayout(size.height, 1, 1);
    const down = scrollResponse(s, 1, responseRows, size.width);
    expect(down.responseTop).toBeGreaterThan(0);
    const bottom = scrollResponse(
      scrollResponse(down, 10, responseRows, size.width),
      0,
      responseRows,
      size.width,
    );
    // 42 lines ({, 40 keys, }) below the breakdown bar and its legend: the last page ends on
    // the last line.
    expect(bottom.responseTop).toBe(42 - (responseRows - 2));
    expect(scrollResponse(bottom, -10, responseRows, size.width).responseTop).toBe(0);
  });
});
