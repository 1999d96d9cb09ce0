// User text that ends up in files lambdash writes (labels, .npmrc lines, git URLs, versions)
// must stay on one line and carry no terminal controls.

/** True when the text holds a C0 control character (newline, tab, escape...) or DEL. */
export function hasControlCharacters(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}
