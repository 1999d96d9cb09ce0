// Runs one call per item with at most `limit` in flight: the local ECR reads a repository's
// tags and manifests this way, and the core its AWS reads (src/core/common/map-limited.ts
// re-exports it: the local cloud may not import the core, the core may import the local cloud).

/**
 * `work` for every item, at most `limit` at a time; results in the items' order. After the
 * first failure no new item is started (the caller has its answer: more calls would be waste),
 * and that failure is thrown.
 */
export async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (next < items.length && !failed) {
      const index = next++;
      try {
        results[index] = await work(items[index] as T, index);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
