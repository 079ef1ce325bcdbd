/**
 * Runs `work` over `items` with at most `limit` in flight (a worker pool: no wait for a group's slowest); results
 * keep the input order. In the store, the lowest layer that runs work side by side, so the use cases share it.
 */
export async function inParallel<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i] as T);
    }
  });
  await Promise.all(workers);
  return results;
}
