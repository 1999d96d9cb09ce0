// CloudWatch Logs filter patterns for unstructured events, compiled to a predicate.
import { invalidParameter as invalid } from './validation.js';

/**
 * Compiles a CloudWatch Logs filter pattern for unstructured events: space-separated terms that
 * must all appear; `"a phrase"` matches exactly; `%regex%` is a regular expression; `-term`
 * excludes events that contain it; `?term`s match when any one of them appears. Case-sensitive.
 * An empty pattern matches everything.
 */
export function compileFilterPattern(pattern: string): (message: string) => boolean {
  const required: ((m: string) => boolean)[] = [];
  const excluded: ((m: string) => boolean)[] = [];
  const optional: ((m: string) => boolean)[] = [];
  const text = pattern.trim();
  if (text.startsWith('{') || text.startsWith('['))
    throw invalid(
      `The local cloud supports term, "phrase", %regex%, -exclusion and ?alternative filter patterns, not JSON or space-delimited ones: ${pattern}`,
    );
  let i = 0;
  while (i < text.length) {
    if (/\s/.test(text[i]!)) {
      i++;
      continue;
    }
    let list = required;
    if (text[i] === '-' || text[i] === '?') {
      list = text[i] === '-' ? excluded : optional;
      i++;
    }
    const open = text[i];
    if (open === '"' || open === '%') {
      let end = i + 1;
      let body = '';
      while (end < text.length && text[end] !== open) {
        // A backslash keeps the next character, so a phrase can hold a quote.
        if (text[end] === '\\' && open === '"' && end + 1 < text.length) end++;
        body += text[end];
        end++;
      }
      if (end >= text.length) throw invalid(`Unterminated ${open} in filter pattern: ${pattern}`);
      i = end + 1;
      if (open === '"') list.push((m) => m.includes(body));
      else {
        let regex: RegExp;
        try {
          regex = new RegExp(body);
        } catch (error) {
          throw invalid(
            `Invalid regular expression in filter pattern: ${(error as Error).message}`,
          );
        }
        list.push((m) => regex.test(m));
      }
      continue;
    }
    let end = i;
    while (end < text.length && !/\s/.test(text[end]!)) end++;
    const term = text.slice(i, end);
    i = end;
    // CloudWatch requires quotes around terms with other characters (request ids have dashes).
    if (!/^\w+$/.test(term))
      throw invalid(
        `Invalid character(s) in term '${term}': put terms with characters other than letters, digits and underscores in double quotes.`,
      );
    list.push((m) => m.includes(term));
  }
  return (message) =>
    required.every((test) => test(message)) &&
    !excluded.some((test) => test(message)) &&
    (optional.length === 0 || optional.some((test) => test(message)));
}
