/**
 * Runs `step` for each item once the steps of every item it waits for have succeeded, items with
 * nothing left to wait for together (a start in dependency order, or a stop in the reverse one).
 * Answers each item's promise; an item whose wait failed is not stepped (its promise rejects too).
 * A cycle in `waitsFor` throws, naming it.
 */
export function inDependencyOrder<T>(
  items: readonly T[],
  waitsFor: (item: T) => readonly T[],
  step: (item: T) => Promise<void>,
  nameOf: (item: T) => string,
): Map<T, Promise<void>> {
  const done = new Map<T, Promise<void>>();
  const doneOf = (item: T, chain: readonly T[]): Promise<void> => {
    const known = done.get(item);
    if (known) return known;
    if (chain.includes(item)) throw new Error(`order: ${[...chain, item].map(nameOf).join(' → ')} is a cycle`);
    const waits = waitsFor(item).map((other) => doneOf(other, [...chain, item]));
    const promise = Promise.all(waits).then(() => step(item));
    done.set(item, promise);
    return promise;
  };
  for (const item of items) doneOf(item, []).catch(() => undefined);
  return done;
}

/** Runs the tasks given to it at most `n` at a time, the others in turn as one ends. */
export function concurrencyLimit(n: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: Array<() => void> = [];
  return async (task) => {
    if (running >= n) await new Promise<void>((ok) => waiting.push(ok));
    running += 1;
    try {
      return await task();
    } finally {
      running -= 1;
      waiting.shift()?.();
    }
  };
}
