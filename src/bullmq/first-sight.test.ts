import { describe, expect, it } from 'vitest';
import { createFirstSight } from './first-sight.js';

describe('createFirstSight', () => {
  it('is true once per id, and forgets the oldest ids past its limit', () => {
    const firstSight = createFirstSight(3);
    expect(['a', 'b', 'a', 'c', 'b'].map(firstSight)).toEqual([true, true, false, true, false]);
    // A fourth id pushes out the oldest, `a`, which then counts as new again (and pushes out `b`).
    expect(firstSight('d')).toBe(true);
    expect(firstSight('a')).toBe(true);
    expect(['c', 'd', 'a', 'b'].map(firstSight)).toEqual([false, false, false, true]);
  });
});
