import { describe, expect, it } from 'vitest';
import { visiblePart } from '../../../../src/tui/timeline/log-pane.js';

describe('visiblePart', () => {
  it('shows tabs as two cells and cuts long lines with an ellipsis', () => {
    expect(visiblePart('a\tb', '', 10)).toBe('a  b');
    expect(visiblePart('0123456789abc', '', 10)).toBe('012345678…');
  });

  it('brings a match past the edge into view, with the text before it', () => {
    const line = `${'x'.repeat(30)}needle${'y'.repeat(4)}`;
    expect(visiblePart(line, 'needle', 20)).toBe(`…${'x'.repeat(9)}needleyyyy`);
    // A long tail: the match starts a few characters in, the rest is cut.
    expect(visiblePart(`${line}${'z'.repeat(40)}`, 'needle', 20)).toBe(`…xxxxxxxxneedleyyyy…`);
    // A match within the width leaves the line as it is.
    expect(visiblePart(`needle${'z'.repeat(40)}`, 'needle', 20)).toBe(`needle${'z'.repeat(13)}…`);
  });
});
