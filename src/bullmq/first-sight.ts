/**
 * Tells whether an id is seen for the first time, remembering only the latest `limit` ids: for
 * events that may come twice, close together, in a process that must not grow with every id.
 *
 * @param limit - how many ids to remember.
 * @returns `firstSight(id)`: `true` the first time `id` comes (or once it has been forgotten).
 */
export function createFirstSight(limit: number): (id: string) => boolean {
  const seen = new Set<string>();
  return function firstSight(id) {
    if (seen.has(id)) return false;
    seen.add(id);
    // A Set iterates in insertion order: its first id is the oldest.
    if (seen.size > limit) seen.delete(seen.values().next().value as string);
    return true;
  };
}
