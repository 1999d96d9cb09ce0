// User text that ends up in files lambdash writes (labels, .npmrc lines, git URLs, versions)
// must stay on one line and carry no terminal controls; user text echoed in messages (a handler
// name, an export name, a path) is shown with its controls escaped, so a terminal shows them and
// never obeys them.

/** True when the text holds a C0 control character (newline, tab, escape...) or DEL. */
export function hasControlCharacters(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

// C0, DEL and C1: C1 too, since some terminals take U+009B alone as the start of a sequence.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL_BUT_LAYOUT = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * The text with its control characters written as visible escapes: `\n`, `\r`, `\t`, else
 * `\xHH` ("a\x1b[2Jb"). For user input in a message, where a newline must not start a line
 * of its own either. `keepLayout` leaves `\n` and `\t` as they are, for whole messages laid
 * out in lines of their own.
 */
export function escapeControlCharacters(
  text: string,
  options: { readonly keepLayout?: boolean } = {},
): string {
  return String(text).replace(
    options.keepLayout ? CONTROL_BUT_LAYOUT : CONTROL,
    (c) => NAMED[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}
