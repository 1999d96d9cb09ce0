// JSON as people write it, read with positions: a syntax error says line and column in words
// (JSON.parse says "position 57" in some Node versions and nothing useful in others), and each
// value keeps where it was, so a check can point at the line to fix.
import { type Node, type ParseError, parseTree, printParseErrorCode } from 'jsonc-parser';

export type { Node as JsonNode } from 'jsonc-parser';

export interface TextPosition {
  /** 1-based. */
  readonly line: number;
  /** 1-based, in UTF-16 code units as editors count them. */
  readonly column: number;
}

export interface JsonSyntaxError extends TextPosition {
  readonly message: string;
}

/** The parser's error names, in words. */
const WORDS: Record<string, string> = {
  InvalidSymbol: 'unexpected character',
  InvalidNumberFormat: 'this number is not written as JSON writes numbers',
  PropertyNameExpected: 'a property name in double quotes is expected',
  ValueExpected: 'a value is expected',
  ColonExpected: 'a colon is expected',
  CommaExpected: 'a comma is expected',
  CloseBraceExpected: 'a closing } is expected',
  CloseBracketExpected: 'a closing ] is expected',
  EndOfFileExpected: 'nothing more is expected after the value',
  InvalidCommentToken: 'JSON has no comments',
  UnexpectedEndOfComment: 'JSON has no comments',
  UnexpectedEndOfString: 'this string is not closed',
  UnexpectedEndOfNumber: 'this number ends too soon',
  InvalidUnicode: 'an invalid \\u escape',
  InvalidEscapeCharacter: 'an invalid escape after \\',
  InvalidCharacter: 'a control character inside a string (write \\n or \\t)',
};

/** Line and column of a character offset. */
export function positionAt(text: string, offset: number): TextPosition {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * Parses strict JSON (no comments, no trailing commas) into a tree of positioned nodes, or
 * returns the first syntax error, said in words with its line and column.
 */
export function parseJsonTree(
  text: string,
):
  | { readonly node: Node; readonly error?: undefined }
  | { readonly node?: undefined; readonly error: JsonSyntaxError } {
  const errors: ParseError[] = [];
  const node = parseTree(text, errors, {
    disallowComments: true,
    allowTrailingComma: false,
    allowEmptyContent: false,
  });
  const first = errors[0];
  if (first) return { error: describe(text, first) };
  if (!node) return { error: { line: 1, column: 1, message: 'there is no JSON value here' } };
  // The tolerant parser lets a few things through that JSON does not (leading zeros...).
  try {
    JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const offset = Number(/position (\d+)/.exec(message)?.[1] ?? 0);
    return { error: { ...positionAt(text, offset), message: message.replace(/ in JSON.*$/, '') } };
  }
  return { node };
}

function describe(text: string, error: ParseError): JsonSyntaxError {
  const position = positionAt(text, error.offset);
  if (text.trim() === '') return { ...position, message: 'the text is empty' };
  const at = text[error.offset];
  const found = text.slice(error.offset, error.offset + Math.min(error.length || 1, 20));
  let message = WORDS[printParseErrorCode(error.error)] ?? 'this is not JSON';
  // A comma before a closing bracket: JSON allows none, and the parser only says what it expected.
  if (text.slice(0, error.offset).trimEnd().endsWith(',') && (at === '}' || at === ']')) {
    message = `JSON allows no comma before ${at}`;
  } else if (printParseErrorCode(error.error) === 'InvalidSymbol' && found.trim()) {
    message = `unexpected ${JSON.stringify(found)}`;
  }
  return { ...position, message };
}
