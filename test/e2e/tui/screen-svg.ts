// A captured terminal screen (tmux capture-pane -e: text with SGR colour codes) drawn as an SVG
// terminal window, for the README's picture of the app (rsvg-convert turns it into a PNG).
// Only what tmux writes is read: 16, 256 and true colours, bold, dim, inverse.

const PALETTE = [
  '#1e2030',
  '#ed8796',
  '#a6da95',
  '#eed49f',
  '#8aadf4',
  '#f5bde6',
  '#8bd5ca',
  '#cad3f5',
  '#5b6078',
  '#ed8796',
  '#a6da95',
  '#eed49f',
  '#8aadf4',
  '#f5bde6',
  '#8bd5ca',
  '#f4f6fc',
];
const FOREGROUND = '#cad3f5';
const BACKGROUND = '#24273a';
const CELL_WIDTH = 8.43; // DejaVu Sans Mono's advance at 14 px
const LINE_HEIGHT = 18;
const FONT_SIZE = 14;
const PADDING = 14;
const TITLE_BAR = 30;

interface Style {
  fg: string | undefined;
  bg: string | undefined;
  bold: boolean;
  dim: boolean;
  inverse: boolean;
}

interface Run {
  readonly text: string;
  readonly column: number;
  readonly style: Style;
}

function color256(index: number): string {
  if (index < 16) return PALETTE[index]!;
  if (index >= 232) {
    const level = 8 + (index - 232) * 10;
    return `rgb(${level},${level},${level})`;
  }
  const cube = index - 16;
  const scale = (value: number) => (value === 0 ? 0 : 55 + value * 40);
  return `rgb(${scale(Math.floor(cube / 36))},${scale(Math.floor(cube / 6) % 6)},${scale(cube % 6)})`;
}

/** Applies one SGR sequence's parameters to the style. */
function applySgr(style: Style, codes: number[]): void {
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i]!;
    if (code === 0)
      Object.assign(style, {
        fg: undefined,
        bg: undefined,
        bold: false,
        dim: false,
        inverse: false,
      });
    else if (code === 1) style.bold = true;
    else if (code === 2) style.dim = true;
    else if (code === 22) Object.assign(style, { bold: false, dim: false });
    else if (code === 7) style.inverse = true;
    else if (code === 27) style.inverse = false;
    else if (code >= 30 && code <= 37) style.fg = PALETTE[code - 30];
    else if (code >= 90 && code <= 97) style.fg = PALETTE[code - 90 + 8];
    else if (code === 39) style.fg = undefined;
    else if (code >= 40 && code <= 47) style.bg = PALETTE[code - 40];
    else if (code >= 100 && code <= 107) style.bg = PALETTE[code - 100 + 8];
    else if (code === 49) style.bg = undefined;
    else if (code === 38 || code === 48) {
      const target = code === 38 ? 'fg' : 'bg';
      if (codes[i + 1] === 5) {
        style[target] = color256(codes[i + 2] ?? 0);
        i += 2;
      } else if (codes[i + 1] === 2) {
        style[target] = `rgb(${codes[i + 2]},${codes[i + 3]},${codes[i + 4]})`;
        i += 4;
      }
    }
  }
}

/** Each line's runs of equally styled text, with the column each starts at. */
export function parseScreen(text: string): Run[][] {
  const style: Style = { fg: undefined, bg: undefined, bold: false, dim: false, inverse: false };
  return text
    .replace(/\n$/, '')
    .split('\n')
    .map((line) => {
      const runs: Run[] = [];
      let column = 0;
      let current = '';
      let start = 0;
      const flush = () => {
        if (current) runs.push({ text: current, column: start, style: { ...style } });
        current = '';
        start = column;
      };
      // biome-ignore lint/suspicious/noControlCharactersInRegex: SGR sequences start with ESC
      for (const part of line.split(/(\u001B\[[0-9;]*m)/)) {
        // biome-ignore lint/suspicious/noControlCharactersInRegex: as above
        const sgr = /^\u001B\[([0-9;]*)m$/.exec(part);
        if (sgr) {
          flush();
          applySgr(style, (sgr[1] || '0').split(';').map(Number));
          continue;
        }
        for (const char of part) {
          current += char;
          column++;
        }
      }
      flush();
      return runs;
    });
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The screen as an SVG terminal window with a title. */
export function screenToSvg(text: string, columns: number, rows: number, title: string): string {
  const width = Math.ceil(columns * CELL_WIDTH + PADDING * 2);
  const height = TITLE_BAR + rows * LINE_HEIGHT + PADDING * 2;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<rect width="${width}" height="${height}" rx="10" fill="${BACKGROUND}"/>`,
    `<rect width="${width}" height="${TITLE_BAR}" rx="10" fill="#181926"/>`,
    `<rect y="${TITLE_BAR - 10}" width="${width}" height="10" fill="#181926"/>`,
    ...['#ed8796', '#eed49f', '#a6da95'].map(
      (fill, index) =>
        `<circle cx="${18 + index * 20}" cy="${TITLE_BAR / 2}" r="6" fill="${fill}"/>`,
    ),
    `<text x="${width / 2}" y="${TITLE_BAR / 2 + 5}" fill="#939ab7" font-family="DejaVu Sans" font-size="13" text-anchor="middle">${escapeXml(title)}</text>`,
    `<g font-family="DejaVu Sans Mono" font-size="${FONT_SIZE}" xml:space="preserve">`,
  ];
  parseScreen(text)
    .slice(0, rows)
    .forEach((runs, line) => {
      const top = TITLE_BAR + PADDING + line * LINE_HEIGHT;
      for (const run of runs) {
        const x = PADDING + run.column * CELL_WIDTH;
        const cells = [...run.text].length;
        let fg = run.style.fg ?? FOREGROUND;
        let bg = run.style.bg;
        if (run.style.inverse) [fg, bg] = [bg ?? BACKGROUND, fg];
        if (bg) {
          parts.push(
            `<rect x="${x.toFixed(1)}" y="${top}" width="${(cells * CELL_WIDTH).toFixed(1)}" height="${LINE_HEIGHT}" fill="${bg}"/>`,
          );
        }
        if (!run.text.trim()) continue;
        const weight = run.style.bold ? ' font-weight="bold"' : '';
        const opacity = run.style.dim ? ' fill-opacity="0.6"' : '';
        parts.push(
          `<text x="${x.toFixed(1)}" y="${top + LINE_HEIGHT - 5}" fill="${fg}"${weight}${opacity} textLength="${(cells * CELL_WIDTH).toFixed(1)}" lengthAdjust="spacingAndGlyphs">${escapeXml(run.text)}</text>`,
        );
      }
    });
  parts.push('</g>', '</svg>');
  return `${parts.join('\n')}\n`;
}
