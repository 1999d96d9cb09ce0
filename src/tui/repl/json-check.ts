// Is the payload JSON, and if not, where is the first error? JSON.parse decides validity, but
// Node 20's messages only sometimes carry a position ("Unexpected token '}', ... is not valid
// JSON" has none), so a small scanner that follows the JSON grammar (RFC 8259) finds the
// exact place and says what was expected there, as line:column for the editor.

export type JsonCheck =
  | { readonly ok: true; readonly value: unknown }
  | {
      readonly ok: false;
      /** Index into the text. */
      readonly offset: number;
      /** 1-based. */
      readonly line: number;
      /** 1-based, in UTF-16 code units (as the editor's cursor). */
      readonly column: number;
      readonly message: string;
    };

export function checkJson(text: string): JsonCheck {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    let found: ScanError | undefined;
    try {
      found = scan(text);
    } catch (deep) {
      if (!(deep instanceof RangeError)) throw deep; // nesting deeper than the stack: no position
    }
    const offset = found?.offset ?? positionIn((error as Error).message) ?? text.length;
    return {
      ok: false,
      offset,
      ...lineAndColumn(text, offset),
      message: found?.message ?? (error as Error).message,
    };
  }
}

/** 1-based line and column of an offset. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lastBreak = before.lastIndexOf('\n');
  return { line: before.split('\n').length, column: offset - lastBreak };
}

interface ScanError {
  readonly offset: number;
  readonly message: string;
}

class Stop {
  constructor(readonly error: ScanError) {}
}

/** The first error in text, or undefined when it is JSON. */
function scan(text: string): ScanError | undefined {
  let at = 0;
  const fail = (message: string, offset = at): never => {
    throw new Stop({ offset, message });
  };
  const describe = (): string => {
    const c = text[at];
    if (c === undefined) return 'the end of the text';
    if (c < ' ') return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
    return c === "'" ? '"\'"' : `'${c}'`;
  };
  const skipSpace = () => {
    while (at < text.length && ' \t\n\r'.includes(text[at] as string)) at++;
  };

  const value = (): void => {
    skipSpace();
    const c = text[at];
    if (c === '{') object();
    else if (c === '[') array();
    else if (c === '"') string();
    else if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) number();
    else literal(c);
  };

  const literal = (c: string | undefined): void => {
    for (const word of ['true', 'false', 'null']) {
      if (text.startsWith(word, at)) {
        at += word.length;
        return;
      }
      if (c === word[0]) {
        let same = 0;
        while (text[at + same] === word[same]) same++;
        fail(`Expected '${word}'`, at + same);
      }
    }
    if (c === "'") fail('Strings need double quotes');
    fail(`Expected a value, found ${describe()}`);
  };

  const object = (): void => {
    at++; // {
    skipSpace();
    if (text[at] === '}') {
      at++;
      return;
    }
    for (;;) {
      skipSpace();
      if (text[at] === '}') fail("Expected a property name after ',' (no trailing commas in JSON)");
      if (text[at] !== '"') fail(`Expected a property name in double quotes, found ${describe()}`);
      string();
      skipSpace();
      if (text[at] !== ':') fail(`Expected ':' after the property name, found ${describe()}`);
      at++;
      value();
      skipSpace();
      if (text[at] === ',') {
        at++;
        continue;
      }
      if (text[at] === '}') {
        at++;
        return;
      }
      fail(`Expected ',' or '}', found ${describe()}`);
    }
  };

  const array = (): void => {
    at++; // [
    skipSpace();
    if (text[at] === ']') {
      at++;
      return;
    }
    for (;;) {
      skipSpace();
      if (text[at] === ']') fail("Expected a value after ',' (no trailing commas in JSON)");
      value();
      skipSpace();
      if (text[at] === ',') {
        at++;
        continue;
      }
      if (text[at] === ']') {
        at++;
        return;
      }
      fail(`Expected ',' or ']', found ${describe()}`);
    }
  };

  const string = (): void => {
    const opening = at;
    at++; // "
    for (;;) {
      if (at >= text.length) fail('Unterminated string', opening);
      const c = text[at] as string;
      if (c === '"') {
        at++;
        return;
      }
      if (c === '\\') {
        const escaped = text[at + 1];
        if (escaped === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(at + 2, at + 6))) {
            fail('Expected 4 hex digits after \\u');
          }
          at += 6;
        } else if (escaped !== undefined && '"\\/bfnrt'.includes(escaped)) {
          at += 2;
        } else {
          fail(escaped === undefined ? 'Unterminated string' : `Bad escape \\${escaped}`);
        }
        continue;
      }
      if (c === '\n') fail('Unterminated string (write a line break as \\n)', opening);
      if (c < ' ') fail('Control character in a string (escape it, e.g. \\t)');
      at++;
    }
  };

  const digits = (what: string): void => {
    const from = at;
    while (at < text.length && (text[at] as string) >= '0' && (text[at] as string) <= '9') at++;
    if (at === from) fail(`Expected a digit ${what}, found ${describe()}`);
  };

  const number = (): void => {
    if (text[at] === '-') at++;
    if (text[at] === '0') {
      at++;
      const next = text[at];
      if (next !== undefined && next >= '0' && next <= '9') fail('Numbers cannot start with 0');
    } else {
      digits("after '-'");
    }
    if (text[at] === '.') {
      at++;
      digits("after '.'");
    }
    if (text[at] === 'e' || text[at] === 'E') {
      at++;
      if (text[at] === '+' || text[at] === '-') at++;
      digits('in the exponent');
    }
  };

  try {
    skipSpace();
    if (at >= text.length) fail('The payload is empty: type a JSON value, e.g. {}');
    value();
    skipSpace();
    if (at < text.length) fail(`Unexpected ${describe()} after the JSON value`);
    return undefined;
  } catch (stop) {
    if (stop instanceof Stop) return stop.error;
    throw stop;
  }
}

function positionIn(message: string): number | undefined {
  const match = /at position (\d+)/.exec(message);
  return match ? Number(match[1]) : undefined;
}
