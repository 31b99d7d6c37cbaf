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
