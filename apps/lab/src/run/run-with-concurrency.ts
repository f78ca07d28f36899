/** Calls `work` on every item, at most `concurrency` at a time; rejects with the first failure once all have settled. */
export async function runWithConcurrency<ITEM>(items: readonly ITEM[], concurrency: number, work: (item: ITEM) => Promise<void>): Promise<void> {
  const queue = [...items];
  const failures: unknown[] = [];
  const worker = async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
      try {
        await work(item);
      } catch (error) {
        failures.push(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  if (failures.length > 0) throw failures[0];
}
