// AWS lists names in code-unit order, whatever the locale: one comparison for every listing.
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
